package net.dta.translator.p4runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import p4.config.v1.P4InfoOuterClass.Action;
import p4.config.v1.P4InfoOuterClass.ActionRef;
import p4.config.v1.P4InfoOuterClass.ControllerPacketMetadata;
import p4.config.v1.P4InfoOuterClass.Counter;
import p4.config.v1.P4InfoOuterClass.MatchField;
import p4.config.v1.P4InfoOuterClass.P4Info;
import p4.config.v1.P4InfoOuterClass.Preamble;
import p4.config.v1.P4InfoOuterClass.Register;
import p4.config.v1.P4InfoOuterClass.Table;

/**
 * Decides whether a P4Info a controller sends is the translator's (translator-control.md 4): the
 * same tables, actions, counters, registers and controller packet metadata as the P4Info this
 * translator ships, with the same names, ids, bit widths, match kinds, action references and
 * scopes, constant default actions and sizes. Aliases, annotations and documentation may differ.
 * The answer is the first difference, in words, or null.
 */
public final class PipelineValidator {
    private PipelineValidator() {
    }

    /** The first difference between {@code offered} and {@code expected}, or null when they agree. */
    public static String firstDifference(P4Info expected, P4Info offered) {
        String d = compare("table", expected.getTablesList(), offered.getTablesList(), Table::getPreamble,
                PipelineValidator::compareTable);
        if (d == null) {
            d = compare("action", expected.getActionsList(), offered.getActionsList(), Action::getPreamble,
                    PipelineValidator::compareAction);
        }
        if (d == null) {
            d = compare("counter", expected.getCountersList(), offered.getCountersList(), Counter::getPreamble,
                    (e, o) -> e.getSpec().getUnit() != o.getSpec().getUnit()
                            ? "unit " + o.getSpec().getUnit() + " instead of " + e.getSpec().getUnit()
                            : e.getSize() != o.getSize() ? "size " + o.getSize() + " instead of " + e.getSize() : null);
        }
        if (d == null) {
            d = compare("register", expected.getRegistersList(), offered.getRegistersList(), Register::getPreamble,
                    (e, o) -> {
                        int ew = e.getTypeSpec().getBitstring().getBit().getBitwidth();
                        int ow = o.getTypeSpec().getBitstring().getBit().getBitwidth();
                        if (!o.getTypeSpec().hasBitstring() || !o.getTypeSpec().getBitstring().hasBit() || ew != ow) {
                            return "width " + ow + " (bit<" + ow + ">) instead of bit<" + ew + ">";
                        }
                        return e.getSize() != o.getSize() ? "size " + o.getSize() + " instead of " + e.getSize() : null;
                    });
        }
        if (d == null) {
            d = compare("controller packet metadata", expected.getControllerPacketMetadataList(),
                    offered.getControllerPacketMetadataList(), ControllerPacketMetadata::getPreamble,
                    PipelineValidator::compareMetadata);
        }
        if (d == null && offered.getActionProfilesCount() + offered.getMetersCount() + offered.getDirectCountersCount()
                + offered.getDirectMetersCount() + offered.getDigestsCount() + offered.getValueSetsCount()
                + offered.getExternsCount() > 0) {
            d = "it declares action profiles, meters, direct counters or meters, digests, value sets or externs, "
                    + "which the translator pipeline has none of";
        }
        return d;
    }

    /** Compares two object lists by name; the detail function compares two objects of the same name. */
    private static <T> String compare(String kind, List<T> expected, List<T> offered, Function<T, Preamble> preamble,
                                      Detail<T> detail) {
        Map<String, T> byName = new LinkedHashMap<>();
        for (T o : offered) {
            byName.put(preamble.apply(o).getName(), o);
        }
        for (T e : expected) {
            Preamble ep = preamble.apply(e);
            T o = byName.remove(ep.getName());
            if (o == null) {
                return kind + " " + ep.getName() + " is missing";
            }
            if (preamble.apply(o).getId() != ep.getId()) {
                return kind + " " + ep.getName() + " has id " + preamble.apply(o).getId() + " instead of " + ep.getId();
            }
            String d = detail.compare(e, o);
            if (d != null) {
                return kind + " " + ep.getName() + ": " + d;
            }
        }
        if (!byName.isEmpty()) {
            return kind + " " + byName.keySet().iterator().next() + " is not part of the translator pipeline";
        }
        return null;
    }

    @FunctionalInterface
    private interface Detail<T> {
        String compare(T expected, T offered);
    }

    private static String compareTable(Table e, Table o) {
        if (e.getMatchFieldsCount() != o.getMatchFieldsCount()) {
            return o.getMatchFieldsCount() + " match fields instead of " + e.getMatchFieldsCount();
        }
        for (int i = 0; i < e.getMatchFieldsCount(); i++) {
            MatchField a = e.getMatchFields(i);
            MatchField b = o.getMatchFields(i);
            if (!a.getName().equals(b.getName()) || a.getId() != b.getId()) {
                return "match field " + (i + 1) + " is " + b.getName() + " (id " + b.getId() + ") instead of " + a.getName()
                        + " (id " + a.getId() + ")";
            }
            if (a.getBitwidth() != b.getBitwidth()) {
                return "match field " + a.getName() + " has " + b.getBitwidth() + " bits instead of " + a.getBitwidth();
            }
            if (a.getMatchType() != b.getMatchType()) {
                return "match field " + a.getName() + " is " + b.getMatchType() + " instead of " + a.getMatchType();
            }
        }
        if (e.getActionRefsCount() != o.getActionRefsCount()) {
            return o.getActionRefsCount() + " actions instead of " + e.getActionRefsCount();
        }
        for (int i = 0; i < e.getActionRefsCount(); i++) {
            ActionRef a = e.getActionRefs(i);
            ActionRef b = o.getActionRefs(i);
            if (a.getId() != b.getId() || a.getScope() != b.getScope()) {
                return "action reference " + (i + 1) + " is " + b.getId() + " " + b.getScope() + " instead of " + a.getId()
                        + " " + a.getScope();
            }
        }
        if (e.getConstDefaultActionId() != o.getConstDefaultActionId()) {
            return "constant default action " + o.getConstDefaultActionId() + " instead of " + e.getConstDefaultActionId();
        }
        if (e.getSize() != o.getSize()) {
            return "size " + o.getSize() + " instead of " + e.getSize();
        }
        return null;
    }

    private static String compareAction(Action e, Action o) {
        if (e.getParamsCount() != o.getParamsCount()) {
            return o.getParamsCount() + " parameters instead of " + e.getParamsCount();
        }
        for (int i = 0; i < e.getParamsCount(); i++) {
            Action.Param a = e.getParams(i);
            Action.Param b = o.getParams(i);
            if (!a.getName().equals(b.getName()) || a.getId() != b.getId() || a.getBitwidth() != b.getBitwidth()) {
                return "parameter " + (i + 1) + " is " + b.getName() + " (id " + b.getId() + ", " + b.getBitwidth()
                        + " bits) instead of " + a.getName() + " (id " + a.getId() + ", " + a.getBitwidth() + " bits)";
            }
        }
        return null;
    }

    private static String compareMetadata(ControllerPacketMetadata e, ControllerPacketMetadata o) {
        if (e.getMetadataCount() != o.getMetadataCount()) {
            return o.getMetadataCount() + " fields instead of " + e.getMetadataCount();
        }
        for (int i = 0; i < e.getMetadataCount(); i++) {
            var a = e.getMetadata(i);
            var b = o.getMetadata(i);
            if (!a.getName().equals(b.getName()) || a.getId() != b.getId() || a.getBitwidth() != b.getBitwidth()) {
                return "field " + (i + 1) + " is " + b.getName() + " (id " + b.getId() + ", " + b.getBitwidth()
                        + " bits) instead of " + a.getName() + " (id " + a.getId() + ", " + a.getBitwidth() + " bits)";
            }
        }
        return null;
    }
}
