/*
 * pve_pci.h -- PCI and USB passthrough: which host device a guest's
 * hostpciN or usbN entry (struct pve_passthru, lib/pve_node.h) names.
 *
 * A hostpci entry's host= lists one or more PCI addresses separated by
 * ';', each with or without its domain and function ("01:00" is every
 * function of slot 01:00); a usb entry's host= is "vendor:product"
 * (with or without 0x), a port path ("1-2.3") or the path alone.  Pure:
 * no I/O, no allocation.
 */
#ifndef PX_PVE_PCI_H
#define PX_PVE_PCI_H

#include "pve_node.h"

/* Does passthrough entry p (kind "pci") name PCI device pci, by one of
 * its host addresses, all functions of a slot included?  1 or 0. */
int pve_passthru_has_pci(const struct pve_passthru *p,
    const struct pve_pci *pci);

/* Does passthrough entry p (kind "usb") name USB device u, by vendor and
 * product id, port path, or bus and port path?  1 or 0. */
int pve_passthru_has_usb(const struct pve_passthru *p,
    const struct pve_usb *u);

#endif
