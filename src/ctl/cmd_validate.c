/* stub: being written */
#include <stdio.h>
#include "ctl.h"
int cmd_validate(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "not yet\n"); return 2; }
