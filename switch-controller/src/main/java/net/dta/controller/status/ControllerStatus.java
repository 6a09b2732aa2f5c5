package net.dta.controller.status;

import java.util.List;

/**
 * Everything {@code /status} shows; {@code /metrics} is derived from the same record
 * ({@link ControllerMetrics}), so the two cannot disagree. JSON in snake_case ({@link net.dta.common.status.StatusJson}).
 *
 * @param reloads deployment file changes applied since start
 * @param reloadError why the last change of the file was not applied (null when it was)
 */
public record ControllerStatus(String deployment, String configFile, long startedAtMillis, long uptimeMillis, String admin,
                               long reloads, String reloadError, List<TranslatorStatus> translators,
                               List<ReporterStatus> reporters) {
}
