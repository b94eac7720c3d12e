/* tests/layers: the store may not include http. */
#include "http/request.h"
