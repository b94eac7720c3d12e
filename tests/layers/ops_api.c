/* tests/layers: ops may not include api. */
#include "api/api.h"
