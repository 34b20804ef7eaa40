package org.flowbeam.io.timearcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The flow counts the TimeArcs viewer shows for a layout, worked out from {@code
 * flows/flows_index.json} by the rules of its overview legend and sidebar (tcp_timearcs, {@code
 * legends.js} and {@code overview_chart.js}), restated here:
 *
 * <ul>
 *   <li>invalid: {@code closeType} {@code "invalid"}, or {@code state} {@code "invalid"}, or a
 *       non-empty {@code invalidReason}; counted by reason;
 *   <li>graceful close: otherwise {@code closeType} {@code "graceful"};
 *   <li>abortive close: otherwise {@code closeType} {@code "abortive"};
 *   <li>open: none of those, and {@code establishmentComplete} true or {@code state} {@code
 *       "established"} or {@code "data_transfer"};
 *   <li>incomplete: none of the above.
 * </ul>
 *
 * @param graceful "Graceful closes"
 * @param abortive "Abortive (RST)"
 * @param open "Open flows"
 * @param incomplete ongoing flows that are not open
 * @param invalidByReason invalid flows by {@code invalidReason}
 */
record ViewerCounts(
    long graceful, long abortive, long open, long incomplete, Map<String, Long> invalidByReason) {

  static ViewerCounts of(Path layoutDir) throws IOException {
    JsonNode index =
        new ObjectMapper().readTree(layoutDir.resolve(TimeArcsLayoutWriter.FLOWS_INDEX).toFile());
    long graceful = 0;
    long abortive = 0;
    long open = 0;
    long incomplete = 0;
    Map<String, Long> invalid = new TreeMap<>();
    for (JsonNode f : index) {
      String closeType = f.path("closeType").asText("");
      String state = f.path("state").asText("");
      String reason = f.path("invalidReason").isNull() ? "" : f.path("invalidReason").asText("");
      if (closeType.equals("invalid") || state.equals("invalid") || !reason.isEmpty()) {
        invalid.merge(reason.isEmpty() ? "unknown_invalid" : reason, 1L, Long::sum);
      } else if (closeType.equals("graceful")) {
        graceful++;
      } else if (closeType.equals("abortive")) {
        abortive++;
      } else if (f.path("establishmentComplete").asBoolean(false)
          || state.equals("established")
          || state.equals("data_transfer")) {
        open++;
      } else {
        incomplete++;
      }
    }
    return new ViewerCounts(graceful, abortive, open, incomplete, invalid);
  }
}
