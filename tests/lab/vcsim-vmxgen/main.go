// vcsim-vmxgen: gives the VMs of a govmomi vcsim (0.24) the configuration
// files a real ESXi keeps for them, for the virt-import test lab.
//
// Why: libvirt's ESX driver builds a domain's XML (virsh dumpxml, and so
// virt-v2v -i libvirt) from the VM's .vmx file, which it downloads from the
// datastore; vcsim only creates empty .vmx and .vmdk files, so every
// dumpxml fails.  This program reads each VM's configuration from vcsim over
// the vSphere API (the same data a real host keeps in sync with its .vmx)
// and writes, in vcsim's datastore directory:
//
//   - DIR/NAME.vmx: displayName, memSize, numvcpus, cpuid.coresPerSocket,
//     firmware, guestOS, uuid.bios, vc.uuid, annotation, the SCSI/SATA/IDE
//     controllers and their disks and CD-ROMs, and ethernetN (virtualDev,
//     networkName or dvs.*, addressType with generatedAddress or address);
//   - a VMDK descriptor for every disk (createType "vmfs", one FLAT extent)
//     and its -flat.vmdk extent, a sparse file of the disk's capacity.
//
// With -scenario it first shapes a few VMs of one host through the API, so
// that the lab has the cases an importer must handle (on the VMs of that
// host in natural name order; fewer VMs means fewer cases):
//
//	1st: left as vcsim made it (one pvscsi disk, e1000 NIC with vcsim's
//	     MAC, which every vcsim VM shares: a real duplicate-MAC case)
//	2nd: UEFI firmware, Windows Server 2016, 4 vCPUs in 2 sockets, 8 GiB,
//	     a multi-line annotation with quotes, a second NIC (vmxnet3, a
//	     static MAC, standard port group "VM Network"); suspended
//	3rd: a second disk on a SATA controller, Debian 10, 2 vCPUs, 2 GiB
//	4th: renamed to a hostile name (a slash, quotes, $(...), &, <, >,
//	     non-ASCII, a percent sign; sent escaped the way vSphere stores
//	     names: %2f for '/', %25 for '%'), RHEL 7, a second disk on the IDE
//	     bus; powered off
//
// Usage:
//
//	vcsim-vmxgen -url http://127.0.0.1:PORT/sdk -user U -password-file F
//	    [-scenario -host HOSTNAME] [-manifest FILE]
//
// -manifest writes one line per VM: name, uuid, host, power state, .vmx
// path (tab-separated; the name as the API reports it).  Standard library
// only.
package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// ---------------------------------------------------------------- XML tree

// node is an element of a SOAP response.
type node struct {
	name string            // local name
	typ  string            // xsi:type, local part
	attr map[string]string // attributes without a namespace
	text string
	kids []*node
}

func parseXML(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, attr: map[string]string{}}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == xsiNS && a.Name.Local == "type":
					v := a.Value
					if k := strings.IndexByte(v, ':'); k >= 0 {
						v = v[k+1:]
					}
					n.typ = v
				case a.Name.Space == "":
					n.attr[a.Name.Local] = a.Value
				}
			}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(t)
		}
	}
	return root, nil
}

func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// get: the text at a path of child names ("" when absent).
func (n *node) get(names ...string) string {
	for _, s := range names {
		n = n.child(s)
	}
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.text)
}

func (n *node) getInt(names ...string) int64 {
	v, _ := strconv.ParseInt(n.get(names...), 10, 64)
	return v
}

// find: the first descendant (depth first) with this name.
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// ---------------------------------------------------------------- SOAP

type client struct {
	url  string
	http *http.Client
	// From the ServiceContent.
	root, pc, views, sessions string
}

func (c *client) call(body string) (*node, error) {
	env := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"` +
		` xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="` + xsiNS + `">` +
		`<soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`
	req, err := http.NewRequest(http.MethodPost, c.url, strings.NewReader(env))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", "urn:vim25/6.7")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	doc, err := parseXML(data)
	if err != nil {
		return nil, fmt.Errorf("bad SOAP response (HTTP %d): %v", resp.StatusCode, err)
	}
	b := doc.find("Body")
	if b == nil || len(b.kids) == 0 {
		return nil, fmt.Errorf("SOAP response without a body (HTTP %d)", resp.StatusCode)
	}
	if f := b.child("Fault"); f != nil {
		detail := ""
		if d := f.child("detail"); d != nil && len(d.kids) > 0 {
			detail = " (" + d.kids[0].name + ")"
		}
		return nil, fmt.Errorf("SOAP fault: %s%s", f.get("faultstring"), detail)
	}
	return b.kids[0], nil
}

func (c *client) connect(user, password string) error {
	r, err := c.call(`<RetrieveServiceContent xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>`)
	if err != nil {
		return err
	}
	sc := r.child("returnval")
	c.root, c.pc = sc.get("rootFolder"), sc.get("propertyCollector")
	c.views, c.sessions = sc.get("viewManager"), sc.get("sessionManager")
	if c.root == "" || c.pc == "" || c.views == "" || c.sessions == "" {
		return errors.New("the ServiceContent lacks rootFolder, propertyCollector, viewManager or sessionManager")
	}
	_, err = c.call(`<Login xmlns="urn:vim25"><_this type="SessionManager">` + esc(c.sessions) +
		`</_this><userName>` + esc(user) + `</userName><password>` + esc(password) + `</password></Login>`)
	return err
}

type object struct {
	ref   string
	props map[string]*node // property path -> <val>
}

// retrieve: the given properties of every object of a type in the inventory.
func (c *client) retrieve(typ string, props ...string) ([]object, error) {
	r, err := c.call(`<CreateContainerView xmlns="urn:vim25"><_this type="ViewManager">` + esc(c.views) +
		`</_this><container type="Folder">` + esc(c.root) + `</container><type>` + typ +
		`</type><recursive>true</recursive></CreateContainerView>`)
	if err != nil {
		return nil, err
	}
	view := r.get("returnval")
	defer c.call(`<DestroyView xmlns="urn:vim25"><_this type="ContainerView">` + esc(view) + `</_this></DestroyView>`)
	var ps strings.Builder
	for _, p := range props {
		ps.WriteString("<pathSet>" + esc(p) + "</pathSet>")
	}
	r, err = c.call(`<RetrieveProperties xmlns="urn:vim25"><_this type="PropertyCollector">` + esc(c.pc) +
		`</_this><specSet><propSet><type>` + typ + `</type>` + ps.String() + `</propSet>` +
		`<objectSet><obj type="ContainerView">` + esc(view) + `</obj><skip>true</skip>` +
		`<selectSet xsi:type="TraversalSpec"><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>` +
		`</objectSet></specSet></RetrieveProperties>`)
	if err != nil {
		return nil, err
	}
	var out []object
	for _, rv := range r.all("returnval") {
		o := object{ref: rv.get("obj"), props: map[string]*node{}}
		for _, p := range rv.all("propSet") {
			o.props[p.get("name")] = p.child("val")
		}
		out = append(out, o)
	}
	return out, nil
}

// task: run a method that returns a Task and wait for it to finish.
func (c *client) task(body string) error {
	r, err := c.call(body)
	if err != nil {
		return err
	}
	t := r.get("returnval")
	deadline := time.Now().Add(60 * time.Second)
	for {
		q, err := c.call(`<RetrieveProperties xmlns="urn:vim25"><_this type="PropertyCollector">` + esc(c.pc) +
			`</_this><specSet><propSet><type>Task</type><pathSet>info</pathSet></propSet>` +
			`<objectSet><obj type="Task">` + esc(t) + `</obj></objectSet></specSet></RetrieveProperties>`)
		if err != nil {
			return err
		}
		info := q.find("val")
		switch info.get("state") {
		case "success":
			return nil
		case "error":
			e := info.child("error")
			return fmt.Errorf("task failed: %s %s", e.get("localizedMessage"), e.child("fault").typ)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("task %s still %q after 60 s", t, info.get("state"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ---------------------------------------------------------------- inventory

type vm struct {
	ref, name, uuid, instUUID, vmPath, guest, firmware, version, annotation string
	host, power                                                             string
	cpus, cores, memMB                                                      int64
	devices                                                                 []*node
}

var vmProps = []string{"name", "config.uuid", "config.instanceUuid", "config.files.vmPathName",
	"config.guestId", "config.firmware", "config.version", "config.annotation",
	"config.hardware.numCPU", "config.hardware.numCoresPerSocket", "config.hardware.memoryMB",
	"config.hardware.device", "runtime.host", "runtime.powerState"}

func text(v *node) string {
	if v == nil {
		return ""
	}
	return strings.TrimSpace(v.text)
}

func num(v *node) int64 {
	n, _ := strconv.ParseInt(text(v), 10, 64)
	return n
}

func (c *client) vms(hostNames map[string]string) ([]*vm, error) {
	objs, err := c.retrieve("VirtualMachine", vmProps...)
	if err != nil {
		return nil, err
	}
	var out []*vm
	for _, o := range objs {
		p := o.props
		v := &vm{ref: o.ref, name: text(p["name"]), uuid: text(p["config.uuid"]),
			instUUID: text(p["config.instanceUuid"]), vmPath: text(p["config.files.vmPathName"]),
			guest: text(p["config.guestId"]), firmware: text(p["config.firmware"]),
			version: text(p["config.version"]), annotation: text(p["config.annotation"]),
			host: hostNames[text(p["runtime.host"])], power: text(p["runtime.powerState"]),
			cpus: num(p["config.hardware.numCPU"]), cores: num(p["config.hardware.numCoresPerSocket"]),
			memMB: num(p["config.hardware.memoryMB"])}
		if d := p["config.hardware.device"]; d != nil {
			v.devices = d.kids
		}
		// vSphere keeps annotations verbatim; the value's own text.
		if a := p["config.annotation"]; a != nil {
			v.annotation = a.text
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return natLess(out[i].name, out[j].name) })
	return out, nil
}

// natLess orders "VM2" before "VM10".
func natLess(a, b string) bool {
	pa, na := splitNum(a)
	pb, nb := splitNum(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

func splitNum(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, _ := strconv.Atoi(s[i:])
	return s[:i], n
}

// dsPath splits "[ds] dir/file" into the datastore and the path.
func dsPath(p string) (string, string, error) {
	if !strings.HasPrefix(p, "[") {
		return "", "", fmt.Errorf("not a datastore path: %q", p)
	}
	k := strings.IndexByte(p, ']')
	if k < 0 {
		return "", "", fmt.Errorf("not a datastore path: %q", p)
	}
	return p[1:k], strings.TrimSpace(p[k+1:]), nil
}

// ---------------------------------------------------------------- scenario

func deviceXML(op, fileOp, dev string) string {
	s := `<deviceChange><operation>` + op + `</operation>`
	if fileOp != "" {
		s += `<fileOperation>` + fileOp + `</fileOperation>`
	}
	return s + dev + `</deviceChange>`
}

func diskXML(key int, ds, file string, ctrlKey, unit int, kb int64) string {
	return fmt.Sprintf(`<device xsi:type="VirtualDisk"><key>%d</key>`+
		`<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>%s</fileName>`+
		`<diskMode>persistent</diskMode><thinProvisioned>true</thinProvisioned></backing>`+
		`<controllerKey>%d</controllerKey><unitNumber>%d</unitNumber><capacityInKB>%d</capacityInKB></device>`,
		key, esc("["+ds+"] "+file), ctrlKey, unit, kb)
}

func (c *client) reconfig(v *vm, spec string) error {
	return c.task(`<ReconfigVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">` + esc(v.ref) +
		`</_this><spec>` + spec + `</spec></ReconfigVM_Task>`)
}

func (c *client) power(v *vm, method string) error {
	return c.task(`<` + method + ` xmlns="urn:vim25"><_this type="VirtualMachine">` + esc(v.ref) +
		`</_this></` + method + `>`)
}

func controllerKey(v *vm, typ string, bus int64) int {
	for _, d := range v.devices {
		if d.typ == typ && d.getInt("busNumber") == bus {
			return int(d.getInt("key"))
		}
	}
	return 0
}

// Hostile is the 4th VM's name as a user sees it; vSphere stores '/' as
// %2f and '%' as %25 in names (libvirt turns them back).
const Hostile = `web/01 "O'Brien" $(reboot) & <ünï> 100%`

func apiName(s string) string {
	return strings.NewReplacer("%", "%25", "/", "%2f", `\`, "%5c").Replace(s)
}

func (c *client) scenario(vms []*vm, host string) error {
	var mine []*vm
	for _, v := range vms {
		if v.host == host {
			mine = append(mine, v)
		}
	}
	if len(mine) == 0 {
		return fmt.Errorf("no VM on host %q", host)
	}
	log.Printf("shaping %d of the %d VMs on %s", min(3, len(mine)-1), len(mine), host)
	if len(mine) > 1 {
		v := mine[1]
		spec := `<guestId>windows9Server64Guest</guestId>` +
			`<annotation>` + esc("Finance app server\nOwner: O'Brien \"ops\" | team #3") + `</annotation>` +
			`<numCPUs>4</numCPUs><numCoresPerSocket>2</numCoresPerSocket><memoryMB>8192</memoryMB>` +
			deviceXML("add", "", `<device xsi:type="VirtualVmxnet3"><key>-10</key>`+
				`<backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName></backing>`+
				`<connectable><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl><connected>false</connected></connectable>`+
				`<addressType>manual</addressType><macAddress>00:50:56:3f:00:02</macAddress></device>`) +
			`<firmware>efi</firmware>`
		if err := c.reconfig(v, spec); err != nil {
			return fmt.Errorf("%s: %v", v.name, err)
		}
		if err := c.power(v, "SuspendVM_Task"); err != nil {
			return fmt.Errorf("%s: suspend: %v", v.name, err)
		}
	}
	if len(mine) > 2 {
		v := mine[2]
		ds, p, err := dsPath(v.vmPath)
		if err != nil {
			return err
		}
		if err := c.reconfig(v, `<guestId>debian10_64Guest</guestId><numCPUs>2</numCPUs><memoryMB>2048</memoryMB>`+
			deviceXML("add", "", `<device xsi:type="VirtualAHCIController"><key>-20</key><busNumber>0</busNumber></device>`)); err != nil {
			return fmt.Errorf("%s: %v", v.name, err)
		}
		// The new controller's key, then a disk on it.
		if err := c.refresh(v); err != nil {
			return err
		}
		k := controllerKey(v, "VirtualAHCIController", 0)
		if k == 0 {
			return fmt.Errorf("%s: the SATA controller did not appear", v.name)
		}
		if err := c.reconfig(v, deviceXML("add", "create", diskXML(-21, ds, path.Join(path.Dir(p), "disk2.vmdk"), k, 0, 2<<20))); err != nil {
			return fmt.Errorf("%s: %v", v.name, err)
		}
	}
	if len(mine) > 3 {
		v := mine[3]
		ds, p, err := dsPath(v.vmPath)
		if err != nil {
			return err
		}
		k := controllerKey(v, "VirtualIDEController", 0)
		if k == 0 {
			return fmt.Errorf("%s: no IDE controller 0", v.name)
		}
		if err := c.reconfig(v, `<name>`+esc(apiName(Hostile))+`</name><guestId>rhel7_64Guest</guestId><memoryMB>1024</memoryMB>`+
			deviceXML("add", "create", diskXML(-30, ds, path.Join(path.Dir(p), "disk2.vmdk"), k, 0, 1<<20))); err != nil {
			return fmt.Errorf("%s: %v", v.name, err)
		}
		if err := c.power(v, "PowerOffVM_Task"); err != nil {
			return fmt.Errorf("%s: power off: %v", v.name, err)
		}
	}
	return nil
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// refresh re-reads a VM's devices.
func (c *client) refresh(v *vm) error {
	r, err := c.call(`<RetrieveProperties xmlns="urn:vim25"><_this type="PropertyCollector">` + esc(c.pc) +
		`</_this><specSet><propSet><type>VirtualMachine</type><pathSet>config.hardware.device</pathSet></propSet>` +
		`<objectSet><obj type="VirtualMachine">` + esc(v.ref) + `</obj></objectSet></specSet></RetrieveProperties>`)
	if err != nil {
		return err
	}
	if val := r.find("val"); val != nil {
		v.devices = val.kids
	}
	return nil
}

// ---------------------------------------------------------------- .vmx

// vmxValue quotes a value the way VMware writes it: '"', '|', '#' and
// control characters as |XX (libvirt undoes this for displayName and
// annotation).
func vmxValue(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '|' || c == '#' || c < 0x20 || c == 0x7f {
			fmt.Fprintf(&b, "|%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// vmxUUID: "42 1d 7c 3a 5e 2b 11 22-33 44 55 66 77 88 99 aa".
func vmxUUID(u string) string {
	h := strings.ReplaceAll(u, "-", "")
	if len(h) != 32 {
		return ""
	}
	var parts []string
	for i := 0; i < 32; i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts[:8], " ") + "-" + strings.Join(parts[8:], " ")
}

// guestOS maps a vSphere guestId to the .vmx guestOS value.
func guestOS(id string) string {
	known := map[string]string{
		"otherGuest": "other", "otherGuest64": "other-64",
		"windows9Server64Guest": "windows9srv-64", "windows9_64Guest": "windows9-64",
		"windows2019srv_64Guest": "windows2019srv-64", "windows8Server64Guest": "windows8srv-64",
	}
	if g, ok := known[id]; ok {
		return g
	}
	g := strings.TrimSuffix(id, "Guest")
	if strings.HasSuffix(g, "_64") {
		g = strings.TrimSuffix(g, "_64") + "-64"
	} else if strings.HasSuffix(g, "64") && !strings.HasSuffix(g, "-64") {
		g = strings.TrimSuffix(g, "64") + "-64"
	}
	return strings.ToLower(g)
}

type ctrl struct {
	kind string // scsi, sata, ide
	bus  int64
	dev  string // scsiN.virtualDev
}

var scsiDev = map[string]string{
	"VirtualLsiLogicController":    "lsilogic",
	"VirtualLsiLogicSASController": "lsisas1068",
	"ParaVirtualSCSIController":    "pvscsi",
	"VirtualBusLogicController":    "buslogic",
}

var nicDev = map[string]string{
	"VirtualE1000": "e1000", "VirtualE1000e": "e1000e", "VirtualVmxnet3": "vmxnet3",
	"VirtualVmxnet2": "vmxnet", "VirtualPCNet32": "vlance",
}

// diskFile is a disk the .vmx refers to.
type diskFile struct {
	rel   string // path inside the datastore
	bytes int64
	adapt string // ddb.adapterType
}

type vmxFile struct {
	lines []string
}

func (f *vmxFile) set(k, v string) { f.lines = append(f.lines, k+" = "+vmxValue(v)) }

// makeVMX renders one VM; port numbers for DVS NICs come from *port.
func makeVMX(v *vm, port *int) (string, []diskFile, []string, error) {
	ds, vmxRel, err := dsPath(v.vmPath)
	if err != nil {
		return "", nil, nil, err
	}
	vmDir := path.Dir(vmxRel)
	var notes []string
	f := &vmxFile{}
	hw := strings.TrimPrefix(v.version, "vmx-")
	if hw == "" {
		hw = "13"
	}
	f.set(".encoding", "UTF-8")
	f.set("config.version", "8")
	f.set("virtualHW.version", hw)
	f.set("nvram", strings.TrimSuffix(path.Base(vmxRel), ".vmx")+".nvram")
	f.set("pciBridge0.present", "TRUE")
	f.set("svga.present", "TRUE")
	f.set("pciBridge4.present", "TRUE")
	f.set("pciBridge4.virtualDev", "pcieRootPort")
	f.set("pciBridge4.functions", "8")
	f.set("vmci0.present", "TRUE")
	f.set("hpet0.present", "TRUE")
	f.set("floppy0.present", "FALSE")
	mem := v.memMB
	if mem <= 0 {
		mem = 32
	}
	f.set("memSize", strconv.FormatInt(mem, 10))
	cpus := v.cpus
	if cpus <= 0 {
		cpus = 1
	}
	f.set("numvcpus", strconv.FormatInt(cpus, 10))
	if v.cores > 1 {
		f.set("cpuid.coresPerSocket", strconv.FormatInt(v.cores, 10))
	}
	if v.firmware == "efi" {
		f.set("firmware", "efi")
	}
	f.set("displayName", v.name)
	if v.annotation != "" {
		f.set("annotation", v.annotation)
	}
	f.set("guestOS", guestOS(v.guest))
	if u := vmxUUID(v.uuid); u != "" {
		f.set("uuid.bios", u)
		f.set("uuid.location", u)
	}
	if u := vmxUUID(v.instUUID); u != "" {
		f.set("vc.uuid", u)
	}
	f.set("tools.syncTime", "FALSE")

	ctrls := map[int64]ctrl{}
	for _, d := range v.devices {
		key, bus := d.getInt("key"), d.getInt("busNumber")
		switch {
		case scsiDev[d.typ] != "":
			ctrls[key] = ctrl{"scsi", bus, scsiDev[d.typ]}
		case d.typ == "VirtualAHCIController":
			ctrls[key] = ctrl{"sata", bus, ""}
		case d.typ == "VirtualIDEController":
			ctrls[key] = ctrl{"ide", bus, ""}
		}
	}
	// Controllers in bus order.
	var keys []int64
	for k := range ctrls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := ctrls[keys[i]], ctrls[keys[j]]
		if a.kind != b.kind {
			return a.kind > b.kind
		}
		return a.bus < b.bus
	})
	for _, k := range keys {
		c := ctrls[k]
		switch c.kind {
		case "scsi":
			f.set(fmt.Sprintf("scsi%d.virtualDev", c.bus), c.dev)
			f.set(fmt.Sprintf("scsi%d.present", c.bus), "TRUE")
		case "sata":
			f.set(fmt.Sprintf("sata%d.present", c.bus), "TRUE")
		}
	}

	used := map[string]bool{}
	slot := func(d *node) (string, ctrl, bool) {
		c, ok := ctrls[d.getInt("controllerKey")]
		if !ok {
			return "", c, false
		}
		return fmt.Sprintf("%s%d:%d", c.kind, c.bus, d.getInt("unitNumber")), c, true
	}
	var disks []diskFile
	// Disks first: they own their slots.
	for _, d := range v.devices {
		if d.typ != "VirtualDisk" {
			continue
		}
		s, c, ok := slot(d)
		if !ok {
			return "", nil, nil, fmt.Errorf("disk %s on an unknown controller", d.get("key"))
		}
		if used[s] {
			return "", nil, nil, fmt.Errorf("two disks at %s", s)
		}
		used[s] = true
		fdDS, rel, err := dsPath(d.get("backing", "fileName"))
		if err != nil {
			return "", nil, nil, err
		}
		name := rel
		if fdDS == ds && path.Dir(rel) == vmDir {
			name = path.Base(rel)
		} else {
			name = "/vmfs/volumes/" + fdDS + "/" + rel
		}
		size := d.getInt("capacityInBytes")
		if size == 0 {
			size = d.getInt("capacityInKB") * 1024
		}
		adapt := "lsilogic"
		switch {
		case c.kind == "ide":
			adapt = "ide"
			f.set(s+".deviceType", "ata-hardDisk")
		case c.dev == "buslogic":
			adapt = "buslogic"
			f.set(s+".deviceType", "scsi-hardDisk")
		case c.kind == "scsi":
			f.set(s+".deviceType", "scsi-hardDisk")
		}
		f.set(s+".fileName", name)
		if d.get("backing", "diskMode") != "" && d.get("backing", "diskMode") != "persistent" {
			f.set(s+".mode", d.get("backing", "diskMode"))
		}
		f.set(s+".present", "TRUE")
		if fdDS == ds {
			disks = append(disks, diskFile{rel: rel, bytes: size, adapt: adapt})
		}
	}
	for _, d := range v.devices {
		if d.typ != "VirtualCdrom" {
			continue
		}
		s, c, ok := slot(d)
		if !ok || used[s] || c.kind == "scsi" {
			// vcsim 0.24 attaches its CD-ROM to the SCSI controller at the
			// disk's own slot (a key mix-up: the device name says it was
			// meant for IDE 1); put it where vSphere would have it.
			old := s
			s = ""
			for _, t := range []string{"ide1:0", "ide1:1", "ide0:0", "ide0:1"} {
				if !used[t] {
					s = t
					break
				}
			}
			if s == "" {
				notes = append(notes, "no free IDE slot for the CD-ROM at "+old+": left out")
				continue
			}
			notes = append(notes, "CD-ROM moved from "+old+" to "+s)
		}
		used[s] = true
		b := d.child("backing")
		switch b.typ {
		case "VirtualCdromIsoBackingInfo":
			f.set(s+".deviceType", "cdrom-image")
			_, rel, err := dsPath(b.get("fileName"))
			if err != nil {
				return "", nil, nil, err
			}
			f.set(s+".fileName", rel)
		case "VirtualCdromRemotePassthroughBackingInfo", "VirtualCdromRemoteAtapiBackingInfo":
			f.set(s+".deviceType", "atapi-cdrom")
			f.set(s+".clientDevice", "TRUE")
			f.set(s+".fileName", "")
		default: // VirtualCdromAtapiBackingInfo: a host device
			f.set(s+".deviceType", "atapi-cdrom")
			f.set(s+".fileName", b.get("deviceName"))
		}
		if d.get("connectable", "startConnected") == "false" {
			f.set(s+".startConnected", "FALSE")
		}
		f.set(s+".present", "TRUE")
	}
	// NICs: ethernetN in device-key order, as vSphere numbers them.
	var nics []*node
	for _, d := range v.devices {
		if nicDev[d.typ] != "" {
			nics = append(nics, d)
		}
	}
	// vSphere gives NIC N the key 4000+N; vcsim numbers NICs added later
	// from its own counter (204, ...): those take the next free indexes.
	sort.Slice(nics, func(i, j int) bool { return nics[i].getInt("key") < nics[j].getInt("key") })
	index := map[*node]int{}
	taken := map[int]bool{}
	for _, d := range nics {
		if k := int(d.getInt("key")); k >= 4000 && k < 4100 {
			index[d] = k - 4000
			taken[k-4000] = true
		}
	}
	next := 0
	for _, d := range nics {
		if _, ok := index[d]; ok {
			continue
		}
		for taken[next] {
			next++
		}
		index[d] = next
		taken[next] = true
	}
	sort.Slice(nics, func(i, j int) bool { return index[nics[i]] < index[nics[j]] })
	for _, d := range nics {
		e := fmt.Sprintf("ethernet%d", index[d])
		f.set(e+".virtualDev", nicDev[d.typ])
		b := d.child("backing")
		switch b.typ {
		case "VirtualEthernetCardDistributedVirtualPortBackingInfo":
			// vcsim connects NICs to a port group but allocates no port:
			// number them the way a vCenter does, one port per NIC.
			*port++
			f.set(e+".dvs.switchId", vmxUUID(b.get("port", "switchUuid")))
			f.set(e+".dvs.portgroupId", b.get("port", "portgroupKey"))
			pid := b.get("port", "portKey")
			if pid == "" {
				pid = strconv.Itoa(*port)
			}
			f.set(e+".dvs.portId", pid)
			cid := b.get("port", "connectionCookie")
			if cid == "" {
				sum := sha1.Sum([]byte(v.uuid + e))
				cid = strconv.FormatUint(uint64(sum[0])<<24|uint64(sum[1])<<16|uint64(sum[2])<<8|uint64(sum[3]), 10)
			}
			f.set(e+".dvs.connectionId", cid)
		case "VirtualEthernetCardOpaqueNetworkBackingInfo":
			f.set(e+".opaqueNetwork.id", b.get("opaqueNetworkId"))
			f.set(e+".opaqueNetwork.type", b.get("opaqueNetworkType"))
		default:
			f.set(e+".networkName", b.get("deviceName"))
		}
		mac := d.get("macAddress")
		switch d.get("addressType") {
		case "manual":
			f.set(e+".addressType", "static")
			f.set(e+".address", mac)
		case "assigned":
			f.set(e+".addressType", "vpx")
			f.set(e+".generatedAddress", mac)
		default:
			f.set(e+".addressType", "generated")
			f.set(e+".generatedAddress", mac)
			f.set(e+".generatedAddressOffset", "0")
		}
		if d.get("wakeOnLanEnabled") == "true" {
			f.set(e+".wakeOnPcktRcv", "TRUE")
		}
		if n := d.get("slotInfo", "pciSlotNumber"); n != "" {
			f.set(e+".pciSlotNumber", n)
		}
		if d.get("connectable", "startConnected") == "false" {
			f.set(e+".startConnected", "FALSE")
		}
		f.set(e+".present", "TRUE")
	}
	for _, d := range v.devices {
		if d.typ == "VirtualMachineVideoCard" {
			if kb := d.getInt("videoRamSizeInKB"); kb > 0 {
				f.set("svga.vramSize", strconv.FormatInt(kb*1024, 10))
			}
		}
	}
	return strings.Join(f.lines, "\n") + "\n", disks, notes, nil
}

// descriptor: a monolithic-flat VMDK descriptor as ESXi writes it.
func descriptor(d diskFile, hw, seed string) string {
	sectors := d.bytes / 512
	cyl := sectors / (255 * 63)
	if cyl < 1 {
		cyl = 1
	}
	sum := sha1.Sum([]byte(seed + d.rel))
	id := hex.EncodeToString(sum[:])
	var u []string
	for i := 0; i < 16; i++ {
		u = append(u, id[2*i:2*i+2])
	}
	flat := strings.TrimSuffix(path.Base(d.rel), ".vmdk") + "-flat.vmdk"
	return "# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\n" +
		"CID=" + id[:8] + "\nparentCID=ffffffff\ncreateType=\"vmfs\"\n\n" +
		"# Extent description\n" +
		fmt.Sprintf("RW %d VMFS \"%s\"\n\n", sectors, flat) +
		"# The Disk Data Base\n#DDB\n\n" +
		"ddb.adapterType = \"" + d.adapt + "\"\n" +
		fmt.Sprintf("ddb.geometry.cylinders = \"%d\"\n", cyl) +
		"ddb.geometry.heads = \"255\"\nddb.geometry.sectors = \"63\"\n" +
		"ddb.longContentID = \"" + id[:32] + "\"\n" +
		"ddb.thinProvisioned = \"1\"\n" +
		"ddb.uuid = \"" + strings.Join(u[:8], " ") + "-" + strings.Join(u[8:], " ") + "\"\n" +
		"ddb.virtualHWVersion = \"" + hw + "\"\n"
}

// writeFile replaces a file atomically.
func writeFile(p string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("vcsim-vmxgen: ")
	url := flag.String("url", "", "vcsim's SDK URL, http://127.0.0.1:PORT/sdk (required)")
	user := flag.String("user", "user", "user name")
	pwFile := flag.String("password-file", "", "file holding the password (required)")
	doScenario := flag.Bool("scenario", false, "shape the lab's cases on the VMs of -host first")
	host := flag.String("host", "", "the host whose VMs -scenario shapes")
	manifest := flag.String("manifest", "", "write name, uuid, host, power state, .vmx path per VM here")
	flag.Parse()
	if *url == "" || *pwFile == "" || flag.NArg() != 0 || (*doScenario && *host == "") {
		flag.Usage()
		os.Exit(2)
	}
	pw, err := os.ReadFile(*pwFile)
	if err != nil {
		log.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &client{url: *url, http: &http.Client{Jar: jar, Timeout: 120 * time.Second}}
	if err := c.connect(*user, strings.TrimRight(string(pw), "\n")); err != nil {
		log.Fatalf("login at %s: %v", *url, err)
	}
	hostNames := map[string]string{}
	hosts, err := c.retrieve("HostSystem", "name")
	if err != nil {
		log.Fatalf("hosts: %v", err)
	}
	for _, h := range hosts {
		hostNames[h.ref] = text(h.props["name"])
	}
	dss, err := c.retrieve("Datastore", "name", "summary.url")
	if err != nil {
		log.Fatalf("datastores: %v", err)
	}
	dsDir := map[string]string{}
	for _, d := range dss {
		dsDir[text(d.props["name"])] = strings.TrimSuffix(strings.TrimPrefix(text(d.props["summary.url"]), "ds://"), "/")
	}
	vms, err := c.vms(hostNames)
	if err != nil {
		log.Fatalf("VMs: %v", err)
	}
	if *doScenario {
		if err := c.scenario(vms, *host); err != nil {
			log.Fatalf("scenario: %v", err)
		}
		if vms, err = c.vms(hostNames); err != nil {
			log.Fatalf("VMs: %v", err)
		}
	}
	var man strings.Builder
	port := 0
	nDisks := 0
	noted, first := map[string]int{}, map[string]string{}
	for _, v := range vms {
		vmx, disks, notes, err := makeVMX(v, &port)
		if err != nil {
			log.Fatalf("%s: %v", v.name, err)
		}
		for _, n := range notes {
			if noted[n] == 0 {
				first[n] = v.name
			}
			noted[n]++
		}
		ds, rel, _ := dsPath(v.vmPath)
		dir, ok := dsDir[ds]
		if !ok || !filepath.IsAbs(dir) {
			log.Fatalf("%s: datastore %q has no local directory (summary.url %q)", v.name, ds, dir)
		}
		vmxPath := filepath.Join(dir, filepath.FromSlash(rel))
		if err := writeFile(vmxPath, []byte(vmx)); err != nil {
			log.Fatal(err)
		}
		hw := strings.TrimPrefix(v.version, "vmx-")
		for _, d := range disks {
			p := filepath.Join(dir, filepath.FromSlash(d.rel))
			if err := writeFile(p, []byte(descriptor(d, hw, v.uuid))); err != nil {
				log.Fatal(err)
			}
			flat := strings.TrimSuffix(p, ".vmdk") + "-flat.vmdk"
			fh, err := os.OpenFile(flat, os.O_WRONLY|os.O_CREATE, 0o644)
			if err != nil {
				log.Fatal(err)
			}
			if err := fh.Truncate(d.bytes); err != nil {
				log.Fatal(err)
			}
			fh.Close()
			nDisks++
		}
		fmt.Fprintf(&man, "%s\t%s\t%s\t%s\t%s\n", v.name, v.uuid, v.host, v.power, vmxPath)
	}
	if *manifest != "" {
		if err := writeFile(*manifest, []byte(man.String())); err != nil {
			log.Fatal(err)
		}
	}
	for n, k := range noted {
		log.Printf("%s (%d VMs, first %s)", n, k, first[n])
	}
	log.Printf("wrote %d .vmx files and %d disks", len(vms), nDisks)
}
