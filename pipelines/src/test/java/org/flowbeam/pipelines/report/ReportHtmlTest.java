package org.flowbeam.pipelines.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page around the data: the JSON block cannot be closed or commented out by what the data
 * holds, reads back to the same values, and the page's policy admits exactly its own script.
 */
class ReportHtmlTest {
  private static final String HOSTILE =
      "</script><script>alert(1)</script><!-- \"><img src=x onerror=alert(2)> & \u2028 end";

  private static ReportData dataWith(String text) {
    RejectedGroups groups = new RejectedGroups(5, 5, 1000);
    groups.add(text, 1, "bad src_ip '" + text + "'", text);
    return new ReportData(
        text,
        Map.of("inputs", List.of(text)),
        null,
        List.of(new ReportData.FlagCount(text, 1)),
        new ReportData.Talkers(0, List.of()),
        new ReportData.Pairs(false, List.of()),
        new ReportData.Flows(
            0, 0, 0, List.of(), List.of(), List.of(), Map.of(), Map.of(), List.of()),
        groups.summary(),
        List.of(),
        null);
  }

  private static String dataBlock(String html) {
    Matcher m =
        Pattern.compile(
                "<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
                Pattern.DOTALL)
            .matcher(html);
    assertThat("data block present", m.find(), is(true));
    return m.group(1);
  }

  @Test
  void markupInTheDataStaysInsideTheJsonBlockAndReadsBackUnchanged() throws Exception {
    String html = ReportHtml.html(dataWith(HOSTILE));

    String block = dataBlock(html);
    assertThat(block, not(containsString("<")));
    assertThat(block, not(containsString(">")));
    assertThat(block, not(containsString("&")));
    assertThat(block, not(containsString("\u2028")));
    JsonNode data = new ObjectMapper().readTree(block);
    assertThat(data.get("title").asText(), is(HOSTILE));
    assertThat(data.at("/rejected/groups/0/examples/0/raw").asText(), is(HOSTILE));
    assertThat(data.at("/flagMix/0/flagType").asText(), is(HOSTILE));
    // The page has its two script elements and nothing of the data outside the block.
    assertThat(html.split("<script", -1).length - 1, is(2));
    assertThat(html.replace(block, ""), not(containsString("alert")));
  }

  @Test
  void thePolicyAdmitsThePagesOwnScriptByItsHash() {
    String html = ReportHtml.html(dataWith("x"));
    Matcher script = Pattern.compile("<script>(.*)</script>", Pattern.DOTALL).matcher(html);
    assertThat(script.find(), is(true));

    assertThat(html, containsString("script-src '" + ReportHtml.sha256(script.group(1)) + "'"));
    assertThat(html, containsString("default-src 'none'"));
  }

  @Test
  void sha256IsTheStandardDigestInBase64() {
    // printf '' | openssl dgst -sha256 -binary | base64
    assertThat(ReportHtml.sha256(""), is("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
  }
}
