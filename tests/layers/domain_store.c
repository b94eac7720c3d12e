/* tests/layers: domain may not include the store. */
#include "store/store.h"
