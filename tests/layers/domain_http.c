/* tests/layers: domain may not include http. */
#include "http/request.h"
