#include "reports/html_report.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <fstream>
#include <memory>

#include "kenning/core/error.h"

namespace kenning {

namespace fs = std::filesystem;

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct CharDeleter {
  void operator()(char* c) const { free(c); }
};

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string data_uri(const fs::path& image) {
  std::ifstream in(image, std::ios::binary);
  if (!in) throw IoError(image.string() + ": cannot read the report image to embed it");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string ext = image.extension().string();
  const char* mime = ext == ".svg" ? "image/svg+xml" : (ext == ".jpg" || ext == ".jpeg") ? "image/jpeg" : "image/png";
  return std::string("data:") + mime + ";base64," + base64(bytes);
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kStyle =
    R"(body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:.9em;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th{background:#f0f3f7}td:first-child,th:first-child{text-align:left}
img{max-width:100%;height:auto;display:block;margin:1em 0}blockquote{border-left:4px solid #D55E00;margin:1em 0;padding:.2em 1em;background:#fff6ef}
code{background:#f4f4f4;padding:0 .2em}h1,h2{border-bottom:1px solid #ddd;padding-bottom:.2em})";

}  // namespace

std::string render_html_report(const std::string& markdown, const fs::path& base_dir, const std::string& title) {
  cmark_gfm_core_extensions_ensure_registered();
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(CMARK_OPT_DEFAULT));
  if (cmark_syntax_extension* table = cmark_find_syntax_extension("table")) {
    cmark_parser_attach_syntax_extension(parser.get(), table);
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));
  // Images relative to the report become data: URIs; absolute URLs stay.
  cmark_iter* iter = cmark_iter_new(doc.get());
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_IMAGE) continue;
    const std::string url = cmark_node_get_url(node) ? cmark_node_get_url(node) : "";
    if (url.empty() || url.find("://") != std::string::npos || url.rfind("data:", 0) == 0) continue;
    cmark_node_set_url(node, data_uri(base_dir / url).c_str());
  }
  cmark_iter_free(iter);
  std::unique_ptr<char, CharDeleter> body(
      cmark_render_html(doc.get(), CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser.get())));
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) +
         "</title>\n<style>\n" + kStyle + "\n</style>\n</head>\n<body>\n" + body.get() + "</body>\n</html>\n";
}

}  // namespace kenning
