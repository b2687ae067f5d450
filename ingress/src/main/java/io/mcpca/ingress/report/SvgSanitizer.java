package io.mcpca.ingress.report;

import java.io.IOException;
import java.io.StringReader;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Makes an SVG document (Graphviz's {@code dot -Tsvg}) safe to inline in an HTML page: the XML prolog, doctype and
 * comments go; only drawing elements stay (no {@code script}, {@code foreignObject}, {@code style}, {@code image}),
 * no event handler attributes, no {@code style} attributes, no links or {@code url(...)} references but to the
 * document itself. The picture comes from our own Graphviz call, whose labels are file names; this keeps a hostile
 * file name, or a change in Graphviz, from putting anything but a drawing into the page. What is left is written
 * back as XML with every text and attribute escaped. A document that does not parse is refused.
 */
public final class SvgSanitizer {

    /** The elements Graphviz draws with (and the few a drawing needs besides); everything else is dropped. */
    static final Set<String> ELEMENTS = Set.of("svg", "g", "title", "desc", "path", "polygon", "polyline", "ellipse",
            "circle", "rect", "line", "text", "tspan", "a", "defs", "linearGradient", "radialGradient", "stop",
            "clipPath");

    private SvgSanitizer() {
    }

    /** The sanitized {@code <svg>} element, as text to inline. */
    public static String sanitize(String svg) {
        int start = svg.indexOf("<svg");
        if (start < 0) {
            throw new IllegalArgumentException("not an SVG document: no <svg> element");
        }
        Element root;
        try {
            root = parser().parse(new InputSource(new StringReader(svg.substring(start)))).getDocumentElement();
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not an SVG document: " + e.getMessage(), e);
        }
        StringBuilder out = new StringBuilder(svg.length());
        write(root, out);
        return out.toString();
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            factory.setXIncludeAware(false);
            factory.setNamespaceAware(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        }
    }

    private static void write(Node node, StringBuilder out) {
        switch (node.getNodeType()) {
            case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> out.append(Html.escape(node.getNodeValue()));
            case Node.ELEMENT_NODE -> {
                String name = node.getNodeName();
                if (!ELEMENTS.contains(name)) {
                    return;
                }
                out.append('<').append(name);
                NamedNodeMap attributes = node.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    Node attribute = attributes.item(i);
                    if (allowed(attribute.getNodeName(), attribute.getNodeValue())) {
                        out.append(' ').append(attribute.getNodeName()).append("=\"")
                                .append(Html.escape(attribute.getNodeValue())).append('"');
                    }
                }
                out.append('>');
                for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
                    write(child, out);
                }
                out.append("</").append(name).append('>');
            }
            default -> {
                // comments and processing instructions are left out
            }
        }
    }

    /** Attribute names are plain XML names here (the parser checked them); their values may hold anything. */
    static boolean allowed(String name, String value) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("on") || lower.equals("style")) {
            return false;
        }
        if (lower.equals("href") || lower.endsWith(":href")) {
            return value.startsWith("#");
        }
        String compact = value.replaceAll("\\s", "").toLowerCase(java.util.Locale.ROOT);
        return !compact.contains("url(") || compact.matches("^url\\(#[^)]*\\)$");
    }
}
