"""A BMv2 switch's egress queues through its Thrift runtime service (simple_switch's
`simple_switch` service, TBinaryProtocol, multiplexed by service name): the rate (packets/s) at
which a port's queue drains and its depth (packets). A port whose queue drains slower than
packets arrive is a bottleneck the P4 program sees: the queue builds, `deq_qdepth` grows, and
packets beyond the depth are tail-dropped by the traffic manager (before egress: the program never
sees those). The two calls of simple_switch.thrift used here:
  i32 set_egress_queue_depth(1:i32 port_num, 2:i32 depth_pkts)
  i32 set_egress_queue_rate(1:i32 port_num, 2:i64 rate_pps)
Debian's python3-thrift (apt-get install -y python3-thrift) does the wire format."""

from thrift.Thrift import TApplicationException, TMessageType, TType
from thrift.protocol import TBinaryProtocol, TMultiplexedProtocol
from thrift.transport import TSocket, TTransport

SERVICE = "simple_switch"


class EgressQueues:
    def __init__(self, thrift_port, host="127.0.0.1", timeout_ms=10000):
        self.where = "%s:%d" % (host, thrift_port)
        sock = TSocket.TSocket(host, thrift_port)
        sock.setTimeout(timeout_ms)
        self.transport = TTransport.TBufferedTransport(sock)
        self.protocol = TMultiplexedProtocol.TMultiplexedProtocol(
            TBinaryProtocol.TBinaryProtocol(self.transport), SERVICE)
        self.seq = 0

    def __enter__(self):
        self.transport.open()
        return self

    def __exit__(self, *_):
        self.transport.close()

    def set_rate(self, port, packets_per_second):
        self._call("set_egress_queue_rate", port, (TType.I64, packets_per_second))

    def set_depth(self, port, packets):
        self._call("set_egress_queue_depth", port, (TType.I32, packets))

    def _call(self, method, port, second):
        p = self.protocol
        self.seq += 1
        p.writeMessageBegin(method, TMessageType.CALL, self.seq)
        p.writeStructBegin(method + "_args")
        p.writeFieldBegin("port_num", TType.I32, 1)
        p.writeI32(port)
        p.writeFieldEnd()
        kind, value = second
        p.writeFieldBegin("value", kind, 2)
        p.writeI64(value) if kind == TType.I64 else p.writeI32(value)
        p.writeFieldEnd()
        p.writeFieldStop()
        p.writeStructEnd()
        p.writeMessageEnd()
        self.transport.flush()
        # The reply is read with the plain protocol: a multiplexed server answers without the prefix.
        r = TBinaryProtocol.TBinaryProtocol(self.transport)
        _, kind, _ = r.readMessageBegin()
        if kind == TMessageType.EXCEPTION:
            e = TApplicationException()
            e.read(r)
            r.readMessageEnd()
            raise RuntimeError("BMv2 Thrift %s: %s: %s" % (self.where, method, e))
        result = None
        r.readStructBegin()
        while True:
            _, ftype, fid = r.readFieldBegin()
            if ftype == TType.STOP:
                break
            if fid == 0 and ftype == TType.I32:
                result = r.readI32()
            else:
                r.skip(ftype)
            r.readFieldEnd()
        r.readStructEnd()
        r.readMessageEnd()
        if result != 0:
            raise RuntimeError("BMv2 Thrift %s: %s(port %d) answered %s" % (self.where, method, port, result))
