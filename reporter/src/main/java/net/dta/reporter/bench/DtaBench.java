package net.dta.reporter.bench;

import java.nio.file.Path;

/** The DTA set-ups (translator + collector): placeholder until the translator module is merged. */
public final class DtaBench {
    private DtaBench() {
    }

    public static TranslatorThroughputBenchmark.ForwardingSetup openTranslator(Path dir) {
        throw new IllegalArgumentException("setups: translator: the software translator is not in this build yet");
    }

    public static CollectorSetup openCollector(Path dir) {
        throw new IllegalArgumentException("setups: dta: the software translator is not in this build yet");
    }
}
