-- Wireshark / tshark dissector for Direct Telemetry Access (docs/protocol.md, docs/wireshark.md).
--
--  * DTA reports (protocol.md section 2): UDP port 40040 by default (Preferences > Protocols > DTA
--    or -o dta.udp_port:N), every primitive, the base header, unknown versions and opcodes shown as
--    such, lengths checked (expert info "dta.truncated", "dta.bad_length").
--  * The DTA parts of RoCEv2 traffic that Wireshark's own InfiniBand dissector shows only as bytes:
--    the DTA REQ data inside the IP CM private data of a CM REQ, and the DTA REP data (catalog va,
--    rkey, length, boot id, generation) in the private data of a CM REP (protocol.md 7.2), with the
--    version 2 timestamp, nonce and MACs (shown, not verified: that needs the deployment's secret).
--
-- Install: copy to ~/.local/lib/wireshark/plugins/ (or /usr/lib/x86_64-linux-gnu/wireshark/plugins/),
-- or run tshark -X lua_script:dta.lua.

local dta = Proto("dta", "Direct Telemetry Access report")

local OPCODES = { [1] = "Key-Write", [2] = "Key-Increment", [3] = "Postcard", [4] = "Append", [5] = "Sketch-Merge" }
-- The length of each primitive's report (protocol.md 2.3); Key-Write and Sketch-Merge add their payload.
local FIXED_LENGTH = { [1] = 24, [2] = 32, [3] = 28, [4] = 12, [5] = 12 }
local VERSION = 1

local f = {
    version = ProtoField.uint8("dta.version", "Version", base.DEC),
    opcode = ProtoField.uint8("dta.opcode", "Opcode", base.DEC, OPCODES),
    store = ProtoField.uint16("dta.store", "Store id", base.DEC),
    key = ProtoField.bytes("dta.key", "Key"),
    key_tuple = ProtoField.string("dta.key.tuple", "Key as IPv4 5-tuple"),
    reserved = ProtoField.bytes("dta.reserved", "Reserved"),
    kw_redundancy = ProtoField.uint8("dta.kw.redundancy", "Redundancy", base.DEC),
    kw_value_length = ProtoField.uint8("dta.kw.value_length", "Value length", base.DEC),
    kw_value = ProtoField.bytes("dta.kw.value", "Value"),
    ki_redundancy = ProtoField.uint8("dta.ki.redundancy", "Redundancy", base.DEC),
    ki_delta = ProtoField.uint64("dta.ki.delta", "Delta", base.DEC),
    pc_hop = ProtoField.uint8("dta.pc.hop", "Hop", base.DEC),
    pc_path_length = ProtoField.uint8("dta.pc.path_length", "Path length", base.DEC),
    pc_value = ProtoField.uint32("dta.pc.value", "Value", base.HEX),
    ap_list = ProtoField.uint32("dta.ap.list", "List", base.DEC),
    ap_value = ProtoField.uint32("dta.ap.value", "Value", base.HEX),
    sk_row = ProtoField.uint8("dta.sk.row", "Row", base.DEC),
    sk_count = ProtoField.uint8("dta.sk.count", "Count", base.DEC),
    sk_column = ProtoField.uint32("dta.sk.column", "First column", base.DEC),
    sk_delta = ProtoField.uint32("dta.sk.delta", "Delta", base.DEC),
    trailing = ProtoField.bytes("dta.trailing", "Bytes after the report (ignored)"),
    unparsed = ProtoField.bytes("dta.unparsed", "Not decoded"),
}
dta.fields = f

local ef = {
    truncated = ProtoExpert.new("dta.truncated", "DTA report truncated", expert.group.MALFORMED, expert.severity.ERROR),
    bad_version = ProtoExpert.new("dta.bad_version", "Unknown DTA version", expert.group.PROTOCOL, expert.severity.WARN),
    unknown_opcode = ProtoExpert.new("dta.unknown_opcode", "Unknown DTA opcode", expert.group.PROTOCOL, expert.severity.WARN),
    no_mac = ProtoExpert.new("dta_cm.no_mac", "DTA CM data version 1 carries no MAC: current collectors refuse it", expert.group.PROTOCOL, expert.severity.WARN),
    bad_length = ProtoExpert.new("dta.bad_length", "Length field out of range", expert.group.MALFORMED, expert.severity.ERROR),
    trailing = ProtoExpert.new("dta.trailing_bytes", "Bytes after the report (ignored by receivers)", expert.group.PROTOCOL, expert.severity.NOTE),
}
dta.experts = ef

dta.prefs.udp_port = Pref.uint("UDP port", 40040, "The report port of the deployment (protocol.md 2.1)")

local function ipv4(range)
    local b = { range:range(0, 1):uint(), range:range(1, 1):uint(), range:range(2, 1):uint(), range:range(3, 1):uint() }
    return table.concat(b, ".")
end

-- The 16-byte key, and its reading as the canonical IPv4 5-tuple when the padding is zero.
local function add_key(tree, buf, offset)
    local key = buf(offset, 16)
    local item = tree:add(f.key, key)
    if buf(offset + 13, 3):uint() == 0 then
        local protocols = { [6] = "tcp", [17] = "udp", [1] = "icmp" }
        local p = key:range(12, 1):uint()
        local text = string.format("%s:%d->%s:%d/%s", ipv4(key:range(0, 4)), key:range(8, 2):uint(),
            ipv4(key:range(4, 4)), key:range(10, 2):uint(), protocols[p] or tostring(p))
        item:add(f.key_tuple, key, text)
    end
end

-- Each primitive: adds its fields (the length was checked before) and returns a summary.
local primitives = {}

primitives[1] = function(buf, tree, pinfo)
    local value_length = buf(5, 1):uint()
    tree:add(f.kw_redundancy, buf(4, 1))
    local vl = tree:add(f.kw_value_length, buf(5, 1))
    if value_length ~= 4 and value_length ~= 12 and value_length ~= 28 then
        vl:add_proto_expert_info(ef.bad_length, "Key-Write value length " .. value_length .. " is not 4, 12 or 28")
    end
    tree:add(f.reserved, buf(6, 2))
    add_key(tree, buf, 8)
    if value_length > 0 then
        tree:add(f.kw_value, buf(24, value_length))
    end
    return string.format("redundancy %d, value %s", buf(4, 1):uint(), value_length > 0 and tostring(buf(24, value_length):bytes()) or "-")
end

primitives[2] = function(buf, tree)
    tree:add(f.ki_redundancy, buf(4, 1))
    tree:add(f.reserved, buf(5, 3))
    add_key(tree, buf, 8)
    tree:add(f.ki_delta, buf(24, 8))
    return "delta " .. tostring(buf(24, 8):uint64())
end

primitives[3] = function(buf, tree)
    local hop, path_length = buf(4, 1):uint(), buf(5, 1):uint()
    local h = tree:add(f.pc_hop, buf(4, 1))
    tree:add(f.pc_path_length, buf(5, 1))
    if path_length ~= 0 and hop >= path_length then
        h:add_proto_expert_info(ef.bad_length, "hop " .. hop .. " is not below the path length " .. path_length)
    end
    tree:add(f.reserved, buf(6, 2))
    add_key(tree, buf, 8)
    tree:add(f.pc_value, buf(24, 4))
    return string.format("hop %d/%d, value 0x%08x", hop, path_length, buf(24, 4):uint())
end

primitives[4] = function(buf, tree)
    tree:add(f.ap_list, buf(4, 4))
    tree:add(f.ap_value, buf(8, 4))
    return string.format("list %d, value 0x%08x", buf(4, 4):uint(), buf(8, 4):uint())
end

primitives[5] = function(buf, tree)
    local row, count, column = buf(4, 1):uint(), buf(5, 1):uint(), buf(8, 4):uint()
    tree:add(f.sk_row, buf(4, 1))
    local c = tree:add(f.sk_count, buf(5, 1))
    tree:add(f.reserved, buf(6, 2))
    tree:add(f.sk_column, buf(8, 4))
    if count < 1 or count > 16 then
        c:add_proto_expert_info(ef.bad_length, "count " .. count .. " is not 1..16")
    elseif (column % 16) + count > 16 then
        c:add_proto_expert_info(ef.bad_length, "the counters cross a 16-column boundary")
    end
    for i = 0, count - 1 do
        tree:add(f.sk_delta, buf(12 + 4 * i, 4))
    end
    return string.format("row %d, columns %d..%d", row, column, column + count - 1)
end

-- The report's length from its fixed part (nil when even that is not there).
local function report_length(buf, opcode)
    local fixed = FIXED_LENGTH[opcode]
    if opcode == 1 and buf:len() >= 6 then
        return fixed + buf(5, 1):uint()
    elseif opcode == 5 and buf:len() >= 6 then
        return fixed + 4 * buf(5, 1):uint()
    end
    return fixed
end

function dta.dissector(buf, pinfo, root)
    pinfo.cols.protocol = "DTA"
    local tree = root:add(dta, buf())
    if buf:len() < 4 then
        tree:add_proto_expert_info(ef.truncated, "shorter than the 4-byte base header")
        pinfo.cols.info = "DTA report, truncated"
        return buf:len()
    end
    local version, opcode = buf(0, 1):uint(), buf(1, 1):uint()
    local v = tree:add(f.version, buf(0, 1))
    local o = tree:add(f.opcode, buf(1, 1))
    tree:add(f.store, buf(2, 2))
    if version ~= VERSION then
        v:add_proto_expert_info(ef.bad_version, "version " .. version .. " (this dissector knows " .. VERSION .. ")")
        tree:add(f.unparsed, buf(4))
        pinfo.cols.info = "DTA report, unknown version " .. version
        return buf:len()
    end
    local name = OPCODES[opcode]
    if name == nil then
        o:add_proto_expert_info(ef.unknown_opcode, "opcode " .. opcode .. " is not 1..5")
        if buf:len() > 4 then tree:add(f.unparsed, buf(4)) end
        pinfo.cols.info = "DTA report, unknown opcode " .. opcode
        return buf:len()
    end
    local length = report_length(buf, opcode)
    tree:append_text(", " .. name .. ", store " .. buf(2, 2):uint())
    if buf:len() < length then
        tree:add_proto_expert_info(ef.truncated, name .. " needs " .. length .. " bytes, the datagram has " .. buf:len())
        if buf:len() > 4 then tree:add(f.unparsed, buf(4)) end
        pinfo.cols.info = "DTA " .. name .. " store " .. buf(2, 2):uint() .. ", truncated"
        return buf:len()
    end
    local summary = primitives[opcode](buf, tree, pinfo)
    if buf:len() > length then
        tree:add(f.trailing, buf(length)):add_proto_expert_info(ef.trailing)
    end
    pinfo.cols.info = "DTA " .. name .. " store " .. buf(2, 2):uint() .. ": " .. summary
    return buf:len()
end

local registered_port = 0
local function register_port()
    local udp = DissectorTable.get("udp.port")
    if registered_port ~= 0 then udp:remove(registered_port, dta) end
    registered_port = dta.prefs.udp_port
    udp:add(registered_port, dta)
end
function dta.prefs_changed() register_port() end
register_port()

-- The DTA data in RDMA CM private data (protocol.md 7.2), after Wireshark's InfiniBand dissector.
local dta_cm = Proto("dta_cm", "DTA connection data (RDMA CM private data)")
local cf = {
    magic = ProtoField.uint32("dta_cm.magic", "Magic", base.HEX),
    version = ProtoField.uint16("dta_cm.version", "Version", base.DEC),
    translator = ProtoField.uint16("dta_cm.translator_id", "Translator id", base.DEC),
    timestamp = ProtoField.uint64("dta_cm.timestamp", "Timestamp (ms since the Unix epoch)", base.DEC),
    nonce = ProtoField.uint64("dta_cm.nonce", "Nonce", base.HEX),
    mac = ProtoField.bytes("dta_cm.mac", "MAC (HMAC-SHA256 with the deployment's CM secret, 16 bytes)"),
    stores = ProtoField.uint16("dta_cm.store_count", "Store count", base.DEC),
    boot_id = ProtoField.uint64("dta_cm.boot_id", "Collector boot id", base.HEX),
    generation = ProtoField.uint64("dta_cm.catalog_generation", "Catalog generation", base.DEC),
    catalog_va = ProtoField.uint64("dta_cm.catalog_va", "Catalog va", base.HEX),
    catalog_rkey = ProtoField.uint32("dta_cm.catalog_rkey", "Catalog rkey", base.HEX),
    catalog_length = ProtoField.uint32("dta_cm.catalog_length", "Catalog length", base.DEC),
}
dta_cm.fields = cf
local cm_expert = {
    no_mac = ProtoExpert.new("dta_cm.no_mac", "DTA CM data version 1 carries no MAC: current collectors refuse it", expert.group.PROTOCOL, expert.severity.WARN),
    bad_length = ProtoExpert.new("dta_cm.bad_length", "Catalog length does not match the store count", expert.group.MALFORMED, expert.severity.ERROR),
}
dta_cm.experts = cm_expert

local req_private = Field.new("infiniband.cm.req.ip_cm.private")
local rep_private = Field.new("infiniband.cm.rep.private")
local DTA1 = 0x44544131

function dta_cm.dissector(buf, pinfo, root)
    local req, rep = req_private(), rep_private()
    if req ~= nil then
        local r = req.range
        if r:len() >= 8 and r(0, 4):uint() == DTA1 then
            local v2 = r(4, 2):uint() == 2 and r:len() >= 40
            local t = root:add(dta_cm, r(0, v2 and 40 or 8), "DTA REQ data")
            t:add(cf.magic, r(0, 4))
            local ver = t:add(cf.version, r(4, 2))
            t:add(cf.translator, r(6, 2))
            if v2 then
                t:add(cf.timestamp, r(8, 8))
                t:add(cf.nonce, r(16, 8))
                t:add(cf.mac, r(24, 16))
            else
                ver:add_proto_expert_info(cm_expert.no_mac)
            end
            pinfo.cols.info:append(" [DTA REQ: translator " .. r(6, 2):uint() .. "]")
        end
    end
    if rep ~= nil then
        local r = rep.range
        if r:len() >= 40 and r(0, 4):uint() == DTA1 then
            local v2 = r(4, 2):uint() == 2 and r:len() >= 56
            local t = root:add(dta_cm, r(0, v2 and 56 or 40), "DTA REP data")
            t:add(cf.magic, r(0, 4))
            t:add(cf.version, r(4, 2))
            t:add(cf.stores, r(6, 2))
            t:add(cf.boot_id, r(8, 8))
            t:add(cf.generation, r(16, 8))
            t:add(cf.catalog_va, r(24, 8))
            t:add(cf.catalog_rkey, r(32, 4))
            local len = t:add(cf.catalog_length, r(36, 4))
            if v2 then
                t:add(cf.mac, r(40, 16))
            end
            if r(36, 4):uint() ~= 32 + 128 * r(6, 2):uint() then
                len:add_proto_expert_info(cm_expert.bad_length, "catalog length " .. r(36, 4):uint() .. " is not 32 + 128 x " .. r(6, 2):uint())
            end
            pinfo.cols.info:append(string.format(" [DTA REP: %d stores, catalog va 0x%s rkey 0x%x]", r(6, 2):uint(),
                tostring(r(24, 8):uint64():tohex()), r(32, 4):uint()))
        end
    end
end
register_postdissector(dta_cm)
