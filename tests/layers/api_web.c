/* tests/layers: api may not include web. */
#include "web/web.h"
