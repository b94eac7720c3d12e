/* tests/layers: a use case may not include http (it never sees a request). */
#include "http/request.h"
