/* tests/layers: documents may not include the store. */
#include "store/store.h"
