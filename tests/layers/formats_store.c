/* tests/layers: formats may not include the store. */
#include "store/store.h"
