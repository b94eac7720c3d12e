/* tests/layers: ops may not include web (they share util/html_escape.h). */
#include "web/web.h"
