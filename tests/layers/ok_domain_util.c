/* tests/layers: control: domain may include util. */
#include "util/arena.h"
