/* tests/layers: control: api may include service. */
#include "service/order_batch.h"
