/* tests/layers: control: ops may include http and the escaping writer. */
#include "http/request.h"
#include "util/html_escape.h"
