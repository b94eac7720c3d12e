/* tests/layers: domain may not include documents (cairo). */
#include "documents/document.h"
