/* tests/layers: control: the store may include the domain's types. */
#include "domain/types.h"
