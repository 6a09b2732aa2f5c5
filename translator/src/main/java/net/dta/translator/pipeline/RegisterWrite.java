package net.dta.translator.pipeline;

/** A control-plane write of one register cell (RegisterEntry MODIFY), applied by the data-plane thread. */
public record RegisterWrite(int register, int index, int value) {
}
