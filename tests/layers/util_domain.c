/* tests/layers: util stands on nothing. */
#include "domain/types.h"
