/* tests/layers: the store may not include auth: it returns credential rows. */
#include "auth/principal.h"
