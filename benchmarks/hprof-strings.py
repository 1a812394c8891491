#!/usr/bin/env python3
# Which strings a heap dump holds more than once, and which fields hold strings (docs/install.md, "Where the heap
# goes with 10,000 devices"):
#   jcmd <pid> GC.heap_dump /tmp/regie.hprof && python3 benchmarks/hprof-strings.py /tmp/regie.hprof
# Reads the whole HPROF file into memory (a 150 MB dump: about a minute and 2 GB).
import struct, sys, collections
f = open(sys.argv[1], 'rb').read()
p = f.index(b'\0') + 1
idsz = struct.unpack('>I', f[p:p+4])[0]; p += 12
assert idsz == 8
names = {}; cls_name = {}; classes = {}  # class id -> (super, [(name,type)])
inst = {}  # obj id -> (class id, offset, len)
prim_arrays = {}  # id -> (type, off, n)
obj_arrays = {}  # id -> (off, n, classid)
TS = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
def rid(o): return struct.unpack('>Q', f[o:o+8])[0]
N = len(f)
while p < N:
    tag = f[p]; ln = struct.unpack('>I', f[p+5:p+9])[0]; body = p + 9; p = body + ln
    if tag == 0x01:
        names[rid(body)] = f[body+8:body+ln].decode('utf-8', 'replace')
    elif tag == 0x02:
        cls_name[rid(body+4)] = rid(body+16)
    elif tag in (0x0c, 0x1c):
        q = body; end = body + ln
        while q < end:
            st = f[q]; q += 1
            if st == 0xff: q += 8
            elif st == 0x01: q += 16
            elif st in (0x02, 0x03): q += 16
            elif st == 0x04: q += 12
            elif st == 0x05: q += 8
            elif st == 0x06: q += 12
            elif st == 0x07: q += 8
            elif st == 0x08: q += 16
            elif st == 0x20:
                cid = rid(q); sup = rid(q+8); q += 8 + 4 + 8*6 + 4
                ncp = struct.unpack('>H', f[q:q+2])[0]; q += 2
                for _ in range(ncp):
                    t = f[q+2]; q += 3 + TS[t]
                ns = struct.unpack('>H', f[q:q+2])[0]; q += 2
                for _ in range(ns):
                    t = f[q+8]; q += 9 + TS[t]
                nf = struct.unpack('>H', f[q:q+2])[0]; q += 2
                fl = []
                for _ in range(nf):
                    fl.append((names.get(rid(q), '?'), f[q+8])); q += 9
                classes[cid] = (sup, fl)
            elif st == 0x21:
                oid = rid(q); cid = rid(q+12); n = struct.unpack('>I', f[q+20:q+24])[0]
                inst[oid] = (cid, q+24, n); q += 24 + n
            elif st == 0x22:
                oid = rid(q); n = struct.unpack('>I', f[q+12:q+16])[0]; acid = rid(q+16)
                obj_arrays[oid] = (q+24, n, acid); q += 24 + 8*n
            elif st == 0x23:
                oid = rid(q); n = struct.unpack('>I', f[q+12:q+16])[0]; t = f[q+16]
                prim_arrays[oid] = (t, q+17, n); q += 17 + TS[t]*n
            else:
                raise Exception('subtag %x' % st)
def cname(cid): return names.get(cls_name.get(cid), '?').replace('/', '.')
layout = {}
def fields(cid):
    if cid in layout: return layout[cid]
    out = []; c = cid
    while c and c in classes:
        out.extend(classes[c][1]); c = classes[c][0]
    layout[cid] = out; return out
# referrers
string_cid = [c for c in classes if cname(c) == 'java.lang.String'][0]
ref_by = collections.Counter(); bytes_by = collections.Counter()
str_val = {}
for oid, (cid, off, n) in inst.items():
    q = off
    cn = None
    for (fname, t) in fields(cid):
        if t == 2:
            r = rid(q)
            if r in inst and inst[r][0] == string_cid:
                if cn is None: cn = cname(cid)
                ref_by[cn + '.' + fname] += 1
            if cid == string_cid and fname == 'value':
                str_val[oid] = r
        q += TS[t]
for aid, (off, n, acid) in obj_arrays.items():
    pass
# duplicates
contents = collections.Counter(); sizes = {}
for s, v in str_val.items():
    if v in prim_arrays:
        t, off, n = prim_arrays[v]
        b = f[off:off+n]
        contents[b] += 1; sizes[b] = n
dup_waste = sum((c - 1) * (sizes[b] + 16 + 24) for b, c in contents.items())
print('strings', len(str_val), 'distinct', len(contents), 'waste of duplicates ~MB', dup_waste / 1e6)
for b, c in sorted(contents.items(), key=lambda kv: -(kv[1]-1)*(sizes[kv[0]]+40))[:25]:
    print(c, b[:80])
print('--- String referrers (fields)')
for k, v in ref_by.most_common(40): print(v, k)
# group duplicate waste by pattern
pat = collections.Counter()
import re
for b, c in contents.items():
    if c > 1:
        key = re.sub(rb'[0-9]+', b'N', b)[:60]
        pat[key] += (c - 1) * (sizes[b] + 40)
print('--- duplicate waste by pattern (MB)')
for k, v in pat.most_common(25): print(round(v/1e6, 2), k)
