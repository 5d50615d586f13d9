/* cmd_demo.c - `haven demo`: placeholder replaced once the demo generator lands. */
#include "cli.h"
int cmd_demo(struct cli *c, int argc, char **argv)
{
    (void)c; (void)argc; (void)argv;
    return HV_EXIT_USAGE;
}
