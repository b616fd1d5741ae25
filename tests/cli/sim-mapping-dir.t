#!/bin/sh
# pxsim /cluster/mapping/dir (PVE 8.4+): create, list, digest, duplicate, missing, delete.
. "$(dirname "$0")/lib.sh"
sim_start
is "$(sim_api_status POST cluster/mapping/dir 'id=share&map=node=pve1,path=/srv/share&map=node=pve2,path=/srv/share&description=docs')" 200 "dir mapping create"
like "$(sim_api GET cluster/mapping/dir)" '"id":"share"' "listed"
g=$(sim_api GET cluster/mapping/dir/share)
like "$g" '"map":\["node=pve1,path=/srv/share","node=pve2' "map array kept in order"
d=$(printf '%s' "$g" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["digest"])')
is "$(sim_api_status PUT cluster/mapping/dir/share "description=x&digest=$d")" 200 "set with the digest"
is "$(sim_api_status PUT cluster/mapping/dir/share "description=y&digest=$d")" 500 "a stale digest is refused"
is "$(sim_api_status POST cluster/mapping/dir 'id=share&map=node=pve1,path=/x')" 500 "a duplicate is refused"
is "$(sim_api_status POST cluster/mapping/dir 'id=other')" 400 "map is required"
is "$(sim_api_status DELETE cluster/mapping/dir/share)" 200 "delete"
is "$(sim_api_status GET cluster/mapping/dir/share)" 500 "gone"
done_testing
