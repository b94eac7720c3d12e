/* tests/layers: web may not include ops. */
#include "ops/ops.h"
