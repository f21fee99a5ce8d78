#include "ctl.h"
int cmd_import(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 2;
}
