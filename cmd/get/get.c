/*
 * get -- another name for ls, for those who think of it as kubectl get.
 */
#include "px.h"

PX_COMMAND(get, "the same as px ls",
    "usage: px get [-AHjv] [-c columns] [-f format] [-p profile] [-s column] "
    "[--name glob] [--node node] [--pool pool] [--status status] "
    "[--tag tag] [--type qemu | lxc] nodes | guests | storage | pools | "
    "tasks | backups | snapshots vmid\n");

int ls_main(int argc, char **argv);

int
get_main(int argc, char **argv)
{
	return ls_main(argc, argv);
}
