/* pve_pci.c -- which host device a passthrough entry names (see
 * pve_pci.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pve_pci.h"

int
pve_passthru_has_usb(const struct pve_passthru *p, const struct pve_usb *u)
{
	const char *host = p->host;
	char id[40], path[40];

	if (strcmp(p->kind, "usb") != 0)
		return 0;
	snprintf(id, sizeof(id), "%s:%s", u->vendid + (strncmp(u->vendid,
	    "0x", 2) == 0 ? 2 : 0), u->prodid + (strncmp(u->prodid, "0x",
	    2) == 0 ? 2 : 0));
	snprintf(path, sizeof(path), "%d-%s", u->busnum, u->usbpath);
	return strcasecmp(id, host) == 0 || strcmp(u->usbpath, host) == 0 ||
	    strcmp(path, host) == 0;
}

int
pve_passthru_has_pci(const struct pve_passthru *p, const struct pve_pci *pci)
{
	const char *host = p->host;
	char one[64], norm[64];

	if (strcmp(p->kind, "pci") != 0)
		return 0;
	while (*host) {
		size_t len = strcspn(host, ";");

		snprintf(one, sizeof(one), "%.*s", (int)(len < 63 ? len : 63),
		    host);
		pve_pci_norm(one, norm, sizeof(norm));
		if (pve_pci_same(norm, pci->id))
			return 1;
		host += len;
		host += *host == ';';
	}
	return 0;
}
