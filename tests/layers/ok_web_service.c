/* tests/layers: control: web may include service. */
#include "service/order_batch.h"
