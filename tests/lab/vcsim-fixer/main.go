// vcsim-fixer: a small TLS-terminating reverse proxy that sits between
// libvirt's ESX driver (vpx://, esx://) and govmomi's vCenter/ESXi
// simulator (vcsim 0.24, run with -tls=false) in the virt-import test lab.
//
// Stock vcsim 0.24 and libvirt 9.0 do not understand each other; this proxy
// rewrites vcsim's SOAP responses so that they look like what a real vCenter
// or ESXi sends:
//
//  1. Children of ArrayOfX values get an explicit xsi:type="X".  vcsim
//     writes <val xsi:type="ArrayOfManagedObjectReference"> with plain
//     <ManagedObjectReference> children; real vSphere writes
//     xsi:type on each of them, and libvirt deserialises every item as
//     AnyType, which requires the attribute: without it the connection
//     fails with "AnyType is missing 'type' property" (first seen on the
//     host list of a ComputeResource, then on HostCpuIdInfo items, and on
//     every other ArrayOf* property libvirt reads).
//
//  2. DatastoreHostMount.mountInfo gets the <path> element vcsim leaves out.
//     libvirt hashes that path into the storage pool's UUID and shows it as
//     the pool's target path; without it `virsh pool-list` was seen to
//     crash.  The path used is the
//     datastore's own URL, read from vcsim (for vcsim that is the directory
//     that holds the datastore, which is what a real host reports as the
//     mount point).
//
//  3. A VmDiskFileInfo in a datastore search result gets the <capacityKb>
//     vcsim leaves out, and a <fileSize> that counts the disk's data
//     (its extents) rather than the small descriptor file.  libvirt asks
//     for both (VmDiskFileQuery details) and a real host sends both;
//     libvirt 9.0's StorageVolGetInfo dereferences them unchecked, so
//     without this fix `virsh vol-info` on a vcsim disk crashes.  The
//     values come from the VMDK descriptor in the datastore's directory
//     (its extent lines) and from the extents' allocated blocks.
//
// Everything else (the /folder file service that libvirt and virt-v2v use
// for .vmx and disk downloads, non-SOAP requests) passes through untouched.
//
// Usage:
//
//	vcsim-fixer -ports-file FILE NAME=http://127.0.0.1:PORT ...
//
// For each NAME=BACKEND pair it listens on 127.0.0.1 (a free port chosen by
// the kernel) with a self-signed certificate made at start (libvirt is told
// ?no_verify=1), and when all listeners are up it writes "NAME PORT" lines
// to FILE (atomically: a reader sees the whole file or none).  It exits on
// SIGTERM or SIGINT.  Standard library only.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// primitive maps the ArrayOfX names of XML Schema types to the xsi:type
// their items carry (vim25 arrays of strings have <string> items, typed
// xsd:string on a real vCenter).
var primitive = map[string]string{
	"String":       "xsd:string",
	"Int":          "xsd:int",
	"Long":         "xsd:long",
	"Short":        "xsd:short",
	"Byte":         "xsd:byte",
	"Boolean":      "xsd:boolean",
	"Float":        "xsd:float",
	"Double":       "xsd:double",
	"DateTime":     "xsd:dateTime",
	"AnyURI":       "xsd:anyURI",
	"Base64Binary": "xsd:base64Binary",
}

// backend is one simulator behind one listener.
type backend struct {
	name string
	url  *url.URL
	// Datastore moref value -> mount path, filled on demand.
	mu     sync.Mutex
	dsPath map[string]string
}

// frame is an open element while a response is rewritten.
type frame struct {
	local     string // local name
	xsiPrefix string // a prefix bound to the XSI namespace in scope ("" = none)
	itemType  string // for an ArrayOfX element: the xsi:type its items need
	xsiType   string // this element's own xsi:type (local part)
	// For <mountInfo> of a DatastoreHostMount: where its content starts
	// in the output, and whether a <path> child was seen.
	mountInfo bool
	contentAt int
	hasPath   bool
	// For <obj>: its text is the moref of the object a returnval describes.
	objType string
	textAt  int
	// For a VmDiskFileInfo <file>: its path, where its fileSize text is
	// in the output, and whether it has a capacityKb.
	diskFile      bool
	diskPath      string
	sizeAt        int
	sizeEnd       int
	hasCapacityKb bool
}

// rewriter holds the state of one response rewrite.
type rewriter struct {
	in        []byte
	out       []byte
	stack     []frame
	datastore string // moref of the Datastore the current returnval is about
	// mountPath returns the mount path of a datastore moref ("" if unknown).
	mountPath func(moref string) string
	fixes     int
	// The datastore moref and folder of the search result being read.
	searchDS     string
	searchFolder string
}

// fixSOAP rewrites one SOAP response body; it returns the new body and how
// many fixes it made.  Malformed input is returned unchanged with an error.
func fixSOAP(in []byte, mountPath func(string) string) ([]byte, int, error) {
	r := &rewriter{in: in, out: make([]byte, 0, len(in)+len(in)/8), mountPath: mountPath}
	if err := r.run(); err != nil {
		return in, 0, err
	}
	return r.out, r.fixes, nil
}

func (r *rewriter) top() *frame {
	if len(r.stack) == 0 {
		return nil
	}
	return &r.stack[len(r.stack)-1]
}

func (r *rewriter) run() error {
	in := r.in
	i := 0
	for i < len(in) {
		lt := bytes.IndexByte(in[i:], '<')
		if lt < 0 {
			r.out = append(r.out, in[i:]...)
			break
		}
		r.out = append(r.out, in[i:i+lt]...)
		i += lt
		rest := in[i:]
		var end int
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			end = indexAfter(rest, "?>")
		case bytes.HasPrefix(rest, []byte("<!--")):
			end = indexAfter(rest, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end = indexAfter(rest, "]]>")
		case bytes.HasPrefix(rest, []byte("<!")):
			end = indexAfter(rest, ">")
		case bytes.HasPrefix(rest, []byte("</")):
			end = indexAfter(rest, ">")
			if end < 0 {
				return errors.New("unterminated end tag")
			}
			if err := r.endTag(); err != nil {
				return err
			}
		default:
			n, err := r.startTag(rest)
			if err != nil {
				return err
			}
			i += n
			continue
		}
		if end < 0 {
			return errors.New("unterminated markup")
		}
		r.out = append(r.out, rest[:end]...)
		i += end
	}
	if len(r.stack) != 0 {
		return errors.New("unclosed elements at the end")
	}
	return nil
}

// indexAfter: the index just past the first sep in b, or -1.
func indexAfter(b []byte, sep string) int {
	k := bytes.Index(b, []byte(sep))
	if k < 0 {
		return -1
	}
	return k + len(sep)
}

type attr struct{ name, value string }

// parseTag splits a start tag "<name a='v' ...>" (s starts at '<'); it
// returns the name, the attributes, where the closing "/>" or ">" begins,
// its length and whether the element is empty.
func parseTag(s []byte) (name string, attrs []attr, closeAt int, n int, empty bool, err error) {
	j := 1
	for j < len(s) && !isSpace(s[j]) && s[j] != '>' && s[j] != '/' {
		j++
	}
	name = string(s[1:j])
	if name == "" {
		return "", nil, 0, 0, false, errors.New("empty tag name")
	}
	for {
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j >= len(s) {
			return "", nil, 0, 0, false, errors.New("unterminated start tag")
		}
		if s[j] == '>' {
			return name, attrs, j, j + 1, false, nil
		}
		if s[j] == '/' {
			if j+1 < len(s) && s[j+1] == '>' {
				return name, attrs, j, j + 2, true, nil
			}
			return "", nil, 0, 0, false, errors.New("stray '/' in start tag")
		}
		k := j
		for k < len(s) && s[k] != '=' && !isSpace(s[k]) && s[k] != '>' {
			k++
		}
		an := string(s[j:k])
		for k < len(s) && isSpace(s[k]) {
			k++
		}
		if k >= len(s) || s[k] != '=' {
			return "", nil, 0, 0, false, fmt.Errorf("attribute %q without value", an)
		}
		k++
		for k < len(s) && isSpace(s[k]) {
			k++
		}
		if k >= len(s) || (s[k] != '"' && s[k] != '\'') {
			return "", nil, 0, 0, false, fmt.Errorf("attribute %q not quoted", an)
		}
		q := s[k]
		e := bytes.IndexByte(s[k+1:], q)
		if e < 0 {
			return "", nil, 0, 0, false, errors.New("unterminated attribute value")
		}
		attrs = append(attrs, attr{an, string(s[k+1 : k+1+e])})
		j = k + 1 + e + 1
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func localName(qname string) string {
	if k := strings.IndexByte(qname, ':'); k >= 0 {
		return qname[k+1:]
	}
	return qname
}

func (r *rewriter) startTag(s []byte) (int, error) {
	name, attrs, closeAt, n, empty, err := parseTag(s)
	if err != nil {
		return 0, err
	}
	parent := r.top()
	f := frame{local: localName(name)}
	if parent != nil {
		f.xsiPrefix = parent.xsiPrefix
	}
	// Namespace declarations on this element come first.
	for _, a := range attrs {
		if strings.HasPrefix(a.name, "xmlns:") && a.value == xsiNS {
			f.xsiPrefix = a.name[len("xmlns:"):]
		}
	}
	hasType := false
	for _, a := range attrs {
		if k := strings.IndexByte(a.name, ':'); k >= 0 && a.name[k+1:] == "type" &&
			a.name[:k] != "xmlns" && a.name[:k] == f.xsiPrefix {
			hasType = true
			f.xsiType = localName(a.value)
		}
	}
	r.out = append(r.out, s[:closeAt]...)
	// Fix 1: an item of an ArrayOfX without its own xsi:type.
	if parent != nil && parent.itemType != "" && !hasType {
		if f.xsiPrefix == "" {
			r.out = append(r.out, ` xmlns:xsi="`+xsiNS+`"`...)
			f.xsiPrefix = "xsi"
		}
		r.out = append(r.out, ` `+f.xsiPrefix+`:type="`+parent.itemType+`"`...)
		f.xsiType = localName(parent.itemType)
		r.fixes++
	}
	r.out = append(r.out, s[closeAt:n]...)
	if strings.HasPrefix(f.xsiType, "ArrayOf") {
		item := f.xsiType[len("ArrayOf"):]
		if p, ok := primitive[item]; ok {
			f.itemType = p
		} else if item != "AnyType" && item != "" {
			// ArrayOfAnyType items always carry their own type.
			f.itemType = item
		}
	}
	if f.local == "returnval" && parent != nil && parent.local == "RetrievePropertiesResponse" ||
		f.local == "objects" {
		r.datastore = ""
	}
	if f.local == "obj" {
		for _, a := range attrs {
			if a.name == "type" {
				f.objType = a.value
			}
		}
	}
	if f.local == "mountInfo" && parent != nil &&
		(parent.xsiType == "DatastoreHostMount" || parent.local == "DatastoreHostMount") {
		f.mountInfo = true
	}
	if parent != nil && parent.mountInfo && f.local == "path" {
		parent.hasPath = true
	}
	if f.local == "file" && f.xsiType == "VmDiskFileInfo" {
		f.diskFile = true
		f.sizeAt = -1
	}
	if parent != nil && parent.diskFile && f.local == "capacityKb" {
		parent.hasCapacityKb = true
	}
	// (Go's encoder, which vcsim uses, never writes empty-element tags,
	// so an empty <mountInfo/> needs no fix.)
	if !empty {
		f.contentAt = len(r.out)
		f.textAt = len(r.out)
		r.stack = append(r.stack, f)
	}
	return n, nil
}

func (r *rewriter) endTag() error {
	f := r.top()
	if f == nil {
		return errors.New("end tag without start tag")
	}
	if f.local == "obj" && f.objType == "Datastore" {
		r.datastore = strings.TrimSpace(string(r.out[f.textAt:]))
	}
	var parent *frame
	if len(r.stack) > 1 {
		parent = &r.stack[len(r.stack)-2]
	}
	text := func() string { return unescapeText(strings.TrimSpace(string(r.out[f.textAt:]))) }
	switch {
	case f.local == "datastore":
		if t := text(); !strings.Contains(t, "<") {
			r.searchDS = t
		}
	case f.local == "folderPath":
		r.searchFolder = text()
	case parent != nil && parent.diskFile && f.local == "path":
		parent.diskPath = text()
	case parent != nil && parent.diskFile && f.local == "fileSize":
		parent.sizeAt, parent.sizeEnd = f.textAt, len(r.out)
	}
	// Fix 3: a VmDiskFileInfo without capacityKb.
	if f.diskFile && !f.hasCapacityKb && r.searchDS != "" && f.diskPath != "" {
		if root := r.mountPath(r.searchDS); root != "" {
			if capKb, used, ok := vmdkSizes(root, r.searchFolder, f.diskPath); ok {
				num := []byte(strconv.FormatInt(used, 10))
				if f.sizeAt >= 0 {
					tail := append([]byte(nil), r.out[f.sizeEnd:]...)
					r.out = append(append(r.out[:f.sizeAt], num...), tail...)
				} else {
					r.out = append(r.out, "<fileSize>"+string(num)+"</fileSize>"...)
				}
				r.out = append(r.out, "<capacityKb>"+strconv.FormatInt(capKb, 10)+"</capacityKb>"...)
				r.fixes++
			}
		}
	}
	// Fix 2: a DatastoreHostMount's mountInfo without <path>.
	if f.mountInfo && !f.hasPath && r.datastore != "" {
		if p := r.mountPath(r.datastore); p != "" {
			ins := []byte("<path>" + xmlText(p) + "</path>")
			r.out = append(r.out[:f.contentAt], append(ins, r.out[f.contentAt:]...)...)
			r.fixes++
		}
	}
	r.stack = r.stack[:len(r.stack)-1]
	return nil
}

// vmdkSizes reads the VMDK descriptor folder/name under a datastore's
// mount path: the disk's capacity in KiB (sum of its extents' sectors) and
// the bytes its extents take on disk.  ok is false for anything that is
// not a readable text descriptor inside the datastore.
func vmdkSizes(root, folder, name string) (capKb, used int64, ok bool) {
	// folderPath is "[datastore] dir" or "[datastore] dir/".
	if k := strings.Index(folder, "] "); strings.HasPrefix(folder, "[") && k >= 0 {
		folder = folder[k+2:]
	} else if strings.HasPrefix(folder, "[") && strings.HasSuffix(folder, "]") {
		folder = ""
	}
	dir := filepath.Join(root, filepath.FromSlash(folder))
	file := filepath.Join(dir, name)
	if rel, err := filepath.Rel(root, file); err != nil || strings.HasPrefix(rel, "..") {
		return 0, 0, false
	}
	fh, err := os.Open(file)
	if err != nil {
		return 0, 0, false
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, 64<<10))
	if err != nil || !bytes.Contains(data, []byte("createType")) {
		return 0, 0, false
	}
	var sectors int64
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		// RW 1075200 VMFS "disk1-flat.vmdk" [offset]
		if len(f) < 4 || (f[0] != "RW" && f[0] != "RDONLY" && f[0] != "NOACCESS") {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		sectors += n
		ext := strings.Trim(strings.Join(f[3:], " "), `"`)
		if k := strings.LastIndexByte(ext, '"'); k >= 0 {
			ext = ext[:k]
		}
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join(dir, filepath.Base(ext)), &st) == nil {
			used += st.Blocks * 512
		}
	}
	if sectors == 0 {
		return 0, 0, false
	}
	return sectors * 512 / 1024, used, true
}

func xmlText(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// ---------------------------------------------------------------- the proxy

var lookupClient = &http.Client{Timeout: 30 * time.Second}

// datastoreURL asks the backend (on the client's own session) for the
// summary.url of a datastore; the answer is cached.
func (b *backend) datastoreURL(moref string, req *http.Request, pc string) string {
	b.mu.Lock()
	p, ok := b.dsPath[moref]
	b.mu.Unlock()
	if ok {
		return p
	}
	body := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="` + xsiNS + `">` +
		`<soapenv:Body><RetrieveProperties xmlns="urn:vim25">` +
		`<_this type="PropertyCollector">` + xmlText(pc) + `</_this>` +
		`<specSet><propSet><type>Datastore</type><pathSet>summary.url</pathSet></propSet>` +
		`<objectSet><obj type="Datastore">` + xmlText(moref) + `</obj></objectSet></specSet>` +
		`</RetrieveProperties></soapenv:Body></soapenv:Envelope>`
	u := *b.url
	u.Path = req.URL.Path
	q, err := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return ""
	}
	q.Header.Set("Content-Type", "text/xml; charset=utf-8")
	q.Header.Set("SOAPAction", req.Header.Get("SOAPAction"))
	for _, c := range req.Cookies() {
		q.AddCookie(c)
	}
	resp, err := lookupClient.Do(q)
	if err != nil {
		log.Printf("%s: datastore %s: %v", b.name, moref, err)
		return ""
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		log.Printf("%s: datastore %s: status %d", b.name, moref, resp.StatusCode)
		return ""
	}
	// <val ...>URL</val>: the only val in the answer.
	s := string(data)
	k := strings.Index(s, "<val")
	if k < 0 {
		return ""
	}
	e := strings.IndexByte(s[k:], '>')
	c := strings.Index(s[k:], "</val>")
	if e < 0 || c < e {
		return ""
	}
	p = unescapeText(s[k+e+1 : k+c])
	// A ds:///vmfs/volumes/X/ URL (a real host) mounts at /vmfs/volumes/X.
	p = strings.TrimPrefix(p, "ds://")
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	b.mu.Lock()
	b.dsPath[moref] = p
	b.mu.Unlock()
	return p
}

func unescapeText(s string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'", "&#34;", `"`, "&amp;", "&")
	return r.Replace(s)
}

// propertyCollector: the _this of a RetrieveProperties(Ex) request, the
// moref to ask for datastore URLs with ("propertyCollector" on vcsim's
// vCenter, "ha-property-collector" on its ESX).
func propertyCollector(reqBody []byte) string {
	s := string(reqBody)
	k := strings.Index(s, `type="PropertyCollector"`)
	if k < 0 {
		return ""
	}
	e := strings.IndexByte(s[k:], '>')
	c := strings.IndexByte(s[k+e:], '<')
	if e < 0 || c < 0 {
		return ""
	}
	return strings.TrimSpace(s[k+e+1 : k+e+c])
}

type ctxKey struct{}

func contextWith(q *http.Request, body []byte) context.Context {
	return context.WithValue(q.Context(), ctxKey{}, body)
}

func (b *backend) proxy() http.Handler {
	rp := &httputil.ReverseProxy{
		Director: func(q *http.Request) {
			q.URL.Scheme = b.url.Scheme
			q.URL.Host = b.url.Host
			// We rewrite bodies: ask for them uncompressed.
			q.Header.Del("Accept-Encoding")
		},
		ModifyResponse: func(resp *http.Response) error {
			if !strings.HasPrefix(resp.Request.URL.Path, "/sdk") ||
				!strings.Contains(resp.Header.Get("Content-Type"), "xml") {
				return nil
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			reqBody, _ := resp.Request.Context().Value(ctxKey{}).([]byte)
			pc := propertyCollector(reqBody)
			fixed, n, err := fixSOAP(data, func(moref string) string {
				if pc == "" {
					return ""
				}
				return b.datastoreURL(moref, resp.Request, pc)
			})
			if err != nil {
				log.Printf("%s: left a response unchanged: %v", b.name, err)
			} else if n > 0 && verbose {
				log.Printf("%s: %d fixes in a %d-byte response", b.name, n, len(data))
			}
			resp.Body = io.NopCloser(bytes.NewReader(fixed))
			resp.ContentLength = int64(len(fixed))
			resp.Header.Set("Content-Length", strconv.Itoa(len(fixed)))
			return nil
		},
		ErrorLog: log.Default(),
	}
	return http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		// Keep the SOAP request body: the datastore lookup needs the
		// PropertyCollector moref it names.
		if strings.HasPrefix(q.URL.Path, "/sdk") && q.Method == http.MethodPost {
			body, err := io.ReadAll(io.LimitReader(q.Body, 64<<20))
			q.Body.Close()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			q.Body = io.NopCloser(bytes.NewReader(body))
			q.ContentLength = int64(len(body))
			q = q.WithContext(contextWith(q, body))
		}
		rp.ServeHTTP(w, q)
	})
}

// selfSigned makes a fresh key and certificate for 127.0.0.1/localhost.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "virt-import lab vcsim", Organization: []string{"virt-import test lab"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

var verbose bool

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("vcsim-fixer: ")
	portsFile := flag.String("ports-file", "", "write `NAME PORT` lines here once listening (required)")
	listenHost := flag.String("host", "127.0.0.1", "address to listen on")
	flag.BoolVar(&verbose, "v", false, "log every rewritten response")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s -ports-file FILE NAME=http://HOST:PORT ...\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if *portsFile == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	cert, err := selfSigned()
	if err != nil {
		log.Fatalf("making a certificate: %v", err)
	}
	var lines []string
	var servers []*http.Server
	errc := make(chan error, flag.NArg())
	for _, arg := range flag.Args() {
		k := strings.IndexByte(arg, '=')
		if k <= 0 {
			log.Fatalf("bad route %q (want NAME=URL)", arg)
		}
		u, err := url.Parse(arg[k+1:])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			log.Fatalf("bad backend URL in %q", arg)
		}
		b := &backend{name: arg[:k], url: u, dsPath: map[string]string{}}
		ln, err := net.Listen("tcp", net.JoinHostPort(*listenHost, "0"))
		if err != nil {
			log.Fatalf("%s: listen: %v", b.name, err)
		}
		srv := &http.Server{
			Handler:           b.proxy(),
			TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}},
			ReadHeaderTimeout: 30 * time.Second,
			ErrorLog:          log.Default(),
		}
		servers = append(servers, srv)
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
		port := ln.Addr().(*net.TCPAddr).Port
		lines = append(lines, fmt.Sprintf("%s %d", b.name, port))
		log.Printf("%s: https://%s:%d -> %s", b.name, *listenHost, port, u)
	}
	tmp := filepath.Join(filepath.Dir(*portsFile), "."+filepath.Base(*portsFile)+".tmp")
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		log.Fatalf("writing %s: %v", tmp, err)
	}
	if err := os.Rename(tmp, *portsFile); err != nil {
		log.Fatalf("renaming to %s: %v", *portsFile, err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		log.Printf("%v: exiting", s)
	case err := <-errc:
		log.Fatalf("server failed: %v", err)
	}
	for _, s := range servers {
		_ = s.Close()
	}
}
