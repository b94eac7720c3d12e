/* tests/layers: web may not include api. */
#include "api/api.h"
