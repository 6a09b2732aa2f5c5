"""A BMv2 switch's egress queues and ports through its Thrift runtime services (TBinaryProtocol,
multiplexed by service name). Queues (service `simple_switch`): the rate (packets/s) at
which a port's queue drains and its depth (packets). A port whose queue drains slower than
packets arrive is a bottleneck the P4 program sees: the queue builds, `deq_qdepth` grows, and
packets beyond the depth are tail-dropped by the traffic manager (before egress: the program never
sees those). Ports (service `standard`): a port removed is a link cut as the switch sees it
(taking its interface down instead freezes BMv2: docs/mininet.md). The calls used:
  simple_switch: i32 set_egress_queue_depth(1:i32 port_num, 2:i32 depth_pkts)
  simple_switch: i32 set_egress_queue_rate(1:i32 port_num, 2:i64 rate_pps)
  standard:      void bm_dev_mgr_remove_port(1:i32 port_num) throws (1:InvalidDevMgrOperation ouch)
Debian's python3-thrift (apt-get install -y python3-thrift) does the wire format."""

from thrift.Thrift import TApplicationException, TMessageType, TType
from thrift.protocol import TBinaryProtocol, TMultiplexedProtocol
from thrift.transport import TSocket, TTransport



class Bmv2Runtime:
    def __init__(self, thrift_port, host="127.0.0.1", timeout_ms=10000):
        self.where = "%s:%d" % (host, thrift_port)
        sock = TSocket.TSocket(host, thrift_port)
        sock.setTimeout(timeout_ms)
        self.transport = TTransport.TBufferedTransport(sock)
        self.seq = 0

    def __enter__(self):
        self.transport.open()
        return self

    def __exit__(self, *_):
        self.transport.close()

    def set_queue_rate(self, port, packets_per_second):
        self._call("simple_switch", "set_egress_queue_rate", [(TType.I32, port), (TType.I64, packets_per_second)])

    def set_queue_depth(self, port, packets):
        self._call("simple_switch", "set_egress_queue_depth", [(TType.I32, port), (TType.I32, packets)])

    def remove_port(self, port):
        self._call("standard", "bm_dev_mgr_remove_port", [(TType.I32, port)], returns=False)

    def _call(self, service, method, args, returns=True):
        p = TMultiplexedProtocol.TMultiplexedProtocol(TBinaryProtocol.TBinaryProtocol(self.transport), service)
        self.seq += 1
        p.writeMessageBegin(method, TMessageType.CALL, self.seq)
        p.writeStructBegin(method + "_args")
        for fid, (kind, value) in enumerate(args, 1):
            p.writeFieldBegin("arg%d" % fid, kind, fid)
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
        result, thrown = None, False
        r.readStructBegin()
        while True:
            _, ftype, fid = r.readFieldBegin()
            if ftype == TType.STOP:
                break
            if fid == 0 and ftype == TType.I32:
                result = r.readI32()
            else:
                thrown = thrown or fid == 1       # the declared exception (InvalidDevMgrOperation)
                r.skip(ftype)
            r.readFieldEnd()
        r.readStructEnd()
        r.readMessageEnd()
        if thrown or (returns and result != 0):
            raise RuntimeError("BMv2 Thrift %s: %s%s failed (%s)" % (self.where, method, [v for _, v in args],
                                                                   "exception" if thrown else result))
