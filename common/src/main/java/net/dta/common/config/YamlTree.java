package net.dta.common.config;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads a YAML document into a {@link ConfigNode} tree with line and column on every node, using
 * Jackson's YAML parser token by token. Duplicate keys are problems (YAML says they are errors,
 * and a silently ignored first value is a classic misconfiguration).
 */
public final class YamlTree {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final String file;
    private final List<ConfigProblem> problems;

    public YamlTree(String file, List<ConfigProblem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The document's root, or null (with a problem recorded) when it is not valid YAML or empty. */
    public ConfigNode parse(Reader text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(new ConfigProblem(file, 0, 0, "", "the file is empty; it needs at least a 'stores' list"));
                return null;
            }
            return node(p, t, "");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            problems.add(new ConfigProblem(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                    "not valid YAML: " + firstLine(e.getOriginalMessage())));
            return null;
        } catch (IOException e) {
            problems.add(new ConfigProblem(file, 0, 0, "", "cannot read: " + e.getMessage()));
            return null;
        }
    }

    private ConfigNode node(JsonParser p, JsonToken t, String path) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        switch (t) {
            case START_OBJECT -> {
                Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    ConfigNode value = node(p, p.nextToken(), childPath);
                    if (entries.containsKey(key)) {
                        problems.add(new ConfigProblem(file, keyAt.getLineNr(), keyAt.getColumnNr(), childPath,
                                "appears twice (first at line " + entries.get(key).keyLine() + "); keep one"));
                        continue;
                    }
                    entries.put(key, new ConfigNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                }
                return new ConfigNode.Mapping(entries, line, column);
            }
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
                    items.add(node(p, i, path + "[" + items.size() + "]"));
                }
                return new ConfigNode.Sequence(items, line, column);
            }
            case VALUE_STRING -> {
                return new ConfigNode.Scalar(p.getText(), ConfigNode.Scalar.Type.STRING, line, column);
            }
            case VALUE_NUMBER_INT -> {
                return new ConfigNode.Scalar(p.getText(), ConfigNode.Scalar.Type.INTEGER, line, column);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new ConfigNode.Scalar(p.getText(), ConfigNode.Scalar.Type.FLOAT, line, column);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new ConfigNode.Scalar(p.getText(), ConfigNode.Scalar.Type.BOOLEAN, line, column);
            }
            case VALUE_NULL -> {
                return new ConfigNode.Scalar("null", ConfigNode.Scalar.Type.NULL, line, column);
            }
            default -> throw new JsonProcessingException("unexpected YAML token " + t, at) {
            };
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
