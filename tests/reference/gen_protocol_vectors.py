#!/usr/bin/env python3
"""Makes the hex test vectors in firmware-protocol.md with an independent COBS and CRC-16/IBM-3740."""
import struct
def crc16(data):
    crc=0xFFFF
    for b in data:
        crc ^= b<<8
        for _ in range(8):
            crc = ((crc<<1)^0x1021)&0xFFFF if crc&0x8000 else (crc<<1)&0xFFFF
    return crc
assert crc16(b"123456789")==0x29B1
def cobs(data):
    out=bytearray(); idx=0
    while True:
        block=bytearray()
        while idx < len(data) and data[idx]!=0 and len(block)<254:
            block.append(data[idx]); idx+=1
        if idx < len(data) and data[idx]==0:
            out.append(len(block)+1); out+=block; idx+=1
            if idx==len(data):
                out.append(1); break
            continue
        if len(block)==254:
            out.append(255); out+=block
            if idx==len(data): break
            continue
        out.append(len(block)+1); out+=block; break
    return bytes(out)
def frame(body):
    b=bytes(body)+struct.pack('<H',crc16(body))
    return cobs(b)+b'\x00'
def s(x):
    x=x.encode(); return bytes([len(x)])+x
def hx(b): return ' '.join('%02X'%c for c in b)
vecs={}
vecs['hello']=frame(bytes([0x01,0x01]))
vecs['start']=frame(bytes([0x02]))
vecs['stop']=frame(bytes([0x03]))
vecs['set_rate']=frame(bytes([0x04])+struct.pack('<I',2000))
info=bytes([0x81,1,2])+struct.pack('<I',1000)+bytes([10,1])+struct.pack('<IIi',5000000,200000,512)+bytes([2])+s("Innervate Uno")+s("1.0.0")+s("Biceps")+s("Triceps")
vecs['info']=frame(info)
vecs['ack_start']=frame(bytes([0x82,0x02])+struct.pack('<I',0))
data=bytes([0x90])+struct.pack('<I',7)+bytes([2])+struct.pack('<HHHH',530,512,500,1023)
vecs['data']=frame(data)
data0=bytes([0x90])+struct.pack('<I',256)+bytes([2])+struct.pack('<HHHH',0,512,768,256)
vecs['data_zeros']=frame(data0)
vecs['error']=frame(bytes([0xE0,3])+s("rate 9000 Hz not supported"))
for k,v in vecs.items(): print(k, len(v)); print(hx(v))
# crc bytes of hello
print('hello body crc', hex(crc16(bytes([1,1]))))
