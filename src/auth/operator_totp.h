/* operator_totp: the operators' codes are the shared TOTP of auth/totp.h
 * (this name is what the operators' command line and tests include). */
#ifndef POSTROOM_OPERATOR_TOTP_H
#define POSTROOM_OPERATOR_TOTP_H
#include "auth/totp.h"

#endif
