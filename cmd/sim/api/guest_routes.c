/*
 * guest_routes.c -- the table of every guest route
 * (/nodes/{node}/{qemu|lxc}/...), with the privilege each one needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"

/* ---- the route table ---- */

#define VM(path) "/nodes/{node}/qemu/{vmid}" path
#define CT(path) "/nodes/{node}/lxc/{vmid}" path
#define BOTH(method, path, fn, priv) \
	{ method, VM(path), fn, "/vms/{vmid}", priv, 0 }, \
	{ method, CT(path), fn, "/vms/{vmid}", priv, 0 }
#define CONFIG_PRIVS "VM.Config.Disk|VM.Config.CDROM|VM.Config.CPU|" \
	"VM.Config.Memory|VM.Config.Network|VM.Config.HWType|" \
	"VM.Config.Options|VM.Config.Cloudinit"
#define AGENT(path, method, fn, priv) \
	{ method, VM("/agent" path), fn, "/vms/{vmid}", priv, 0 }

/* Every guest route. */
const struct sim_route sim_routes_guest[] = {
	{ "GET", "/nodes/{node}/qemu", h_list, NULL, NULL, 0 },
	{ "GET", "/nodes/{node}/lxc", h_list, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/qemu", h_create, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/lxc", h_create, NULL, NULL, 0 },
	{ "POST", "/nodes/{node}/vzdump", h_vzdump, NULL, NULL, 0 },
	BOTH("GET", "", h_index, "VM.Audit"),
	BOTH("DELETE", "", h_destroy, "VM.Allocate"),
	BOTH("GET", "/status", h_status_index, "VM.Audit"),
	BOTH("GET", "/status/current", h_status_current, "VM.Audit"),
	BOTH("POST", "/status/start", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/stop", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/shutdown", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/reboot", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/suspend", h_power, "VM.PowerMgmt"),
	BOTH("POST", "/status/resume", h_power, "VM.PowerMgmt"),
	{ "POST", VM("/status/reset"), h_power, "/vms/{vmid}", "VM.PowerMgmt",
	    0 },
	BOTH("GET", "/config", h_config_get, "VM.Audit"),
	BOTH("PUT", "/config", h_config_put, CONFIG_PRIVS),
	{ "POST", VM("/config"), h_config_post, "/vms/{vmid}", CONFIG_PRIVS,
	    0 },
	BOTH("GET", "/pending", h_pending, "VM.Audit"),
	BOTH("POST", "/clone", h_clone, "VM.Clone"),
	BOTH("POST", "/template", h_template, "VM.Allocate"),
	BOTH("GET", "/migrate", h_migrate_get, "VM.Migrate"),
	BOTH("POST", "/migrate", h_migrate_post, "VM.Migrate"),
	BOTH("PUT", "/resize", h_resize, "VM.Config.Disk"),
	{ "POST", VM("/move_disk"), h_move, "/vms/{vmid}", "VM.Config.Disk",
	    0 },
	{ "POST", CT("/move_volume"), h_move, "/vms/{vmid}", "VM.Config.Disk",
	    0 },
	BOTH("GET", "/feature", h_feature, "VM.Audit"),
	BOTH("GET", "/rrddata", h_rrddata, "VM.Audit"),
	BOTH("GET", "/rrd", h_guest_rrd, "VM.Audit"),
	{ "GET", VM("/cloudinit"), h_cloudinit_get, "/vms/{vmid}", "VM.Audit",
	    0 },
	{ "PUT", VM("/cloudinit"), h_cloudinit_put, "/vms/{vmid}",
	    "VM.Config.Cloudinit", 0 },
	{ "GET", VM("/cloudinit/dump"), h_cloudinit_dump, "/vms/{vmid}",
	    "VM.Audit", 0 },
	{ "PUT", VM("/sendkey"), h_sendkey, "/vms/{vmid}", "VM.Console", 0 },
	{ "PUT", VM("/unlink"), h_unlink, "/vms/{vmid}", "VM.Config.Disk", 0 },
	{ "POST", "/nodes/{node}/suspendall", h_node_suspendall, "/",
	    "VM.PowerMgmt", 0 },
	{ "GET", "/nodes/{node}/rrd", h_node_rrd, "/nodes/{node}",
	    "Sys.Audit", 0 },
	{ "GET", "/nodes/{node}/storage/{storage}/rrd", h_storage_rrd,
	    "/storage/{storage}", "Datastore.Audit", 0 },
	BOTH("GET", "/snapshot", h_snap_list, "VM.Audit"),
	BOTH("POST", "/snapshot", h_snap_create, "VM.Snapshot"),
	BOTH("GET", "/snapshot/{snapname}", h_snap_index, "VM.Audit"),
	BOTH("DELETE", "/snapshot/{snapname}", h_snap_delete, "VM.Snapshot"),
	BOTH("GET", "/snapshot/{snapname}/config", h_snap_config, "VM.Audit"),
	BOTH("PUT", "/snapshot/{snapname}/config", h_snap_config_put,
	    "VM.Snapshot"),
	BOTH("POST", "/snapshot/{snapname}/rollback", h_snap_rollback,
	    "VM.Snapshot|VM.Snapshot.Rollback"),
	BOTH("POST", "/termproxy", h_console, "VM.Console"),
	BOTH("POST", "/vncproxy", h_console, "VM.Console"),
	BOTH("POST", "/spiceproxy", h_console, "VM.Console"),
	{ "GET", CT("/interfaces"), h_lxc_interfaces, "/vms/{vmid}",
	    "VM.Audit", 0 },
	AGENT("", "GET", h_agent_index, "VM.Audit"),
	AGENT("", "POST", h_agent_simple, "VM.GuestAgent.Unrestricted"),
	AGENT("/ping", "POST", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/network-get-interfaces", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-host-name", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-osinfo", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-time", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/info", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-fsinfo", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-users", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/get-timezone", "GET", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/fsfreeze-status", "POST", h_agent_simple,
	    "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted"),
	AGENT("/exec", "POST", h_agent_exec, "VM.GuestAgent.Unrestricted"),
	AGENT("/exec-status", "GET", h_agent_exec_status,
	    "VM.GuestAgent.Unrestricted"),
	AGENT("/file-read", "GET", h_agent_file_read,
	    "VM.GuestAgent.FileRead|VM.GuestAgent.Unrestricted"),
	AGENT("/file-write", "POST", h_agent_file_write,
	    "VM.GuestAgent.FileWrite|VM.GuestAgent.Unrestricted"),
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};
