// Pascal VOC XML reader (see detection_annotations.h), with libxml2.
#include <algorithm>
#include <memory>
#include <set>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "datasets/detection_annotations.h"
#include "kenning/core/error.h"

namespace kenning {

namespace {

namespace fs = std::filesystem;

struct XmlDocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

bool named(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

const xmlNode* child(const xmlNode* parent, const char* name) {
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (named(c, name)) return c;
  }
  return nullptr;
}

std::string text_of(const xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string required_text(const xmlNode* parent, const char* name, const std::string& where) {
  const xmlNode* c = child(parent, name);
  if (!c) throw ConfigError(where + ": missing <" + name + ">");
  const std::string t = text_of(c);
  if (t.empty()) throw ConfigError(where + ": <" + name + "> is empty");
  return t;
}

double required_number(const xmlNode* parent, const char* name, const std::string& where) {
  const std::string t = required_text(parent, name, where);
  try {
    std::size_t used = 0;
    const double v = std::stod(t, &used);
    if (used == t.size()) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError(where + ": <" + name + ">: expected a number, got '" + t + "'");
}

struct VocObject {
  std::string name;
  double xmin, ymin, xmax, ymax;
};

struct VocFile {
  std::string filename;
  double width, height;
  std::vector<VocObject> objects;
};

VocFile parse_voc(const fs::path& path) {
  const std::string file = path.string();
  std::unique_ptr<xmlDoc, XmlDocFree> doc(
      xmlReadFile(file.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* err = xmlGetLastError();
    throw IoError(file + ": not valid XML" + (err && err->message ? std::string(": ") + err->message : std::string()));
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || !named(root, "annotation")) throw ConfigError(file + ": expected a root element <annotation>");
  VocFile v;
  v.filename = required_text(root, "filename", file);
  const xmlNode* size = child(root, "size");
  if (!size) throw ConfigError(file + ": missing <size> (<width>, <height> in pixels)");
  v.width = required_number(size, "width", file + ": <size>");
  v.height = required_number(size, "height", file + ": <size>");
  if (!(v.width > 0 && v.height > 0)) throw ConfigError(file + ": <size>: expected width and height > 0");
  int index = 0;
  for (const xmlNode* o = root->children; o; o = o->next) {
    if (!named(o, "object")) continue;
    const std::string where = file + ": <object> " + std::to_string(index++);
    VocObject obj;
    obj.name = required_text(o, "name", where);
    const xmlNode* box = child(o, "bndbox");
    if (!box) throw ConfigError(where + ": missing <bndbox> (<xmin>, <ymin>, <xmax>, <ymax> in pixels)");
    obj.xmin = required_number(box, "xmin", where + " <bndbox>");
    obj.ymin = required_number(box, "ymin", where + " <bndbox>");
    obj.xmax = required_number(box, "xmax", where + " <bndbox>");
    obj.ymax = required_number(box, "ymax", where + " <bndbox>");
    if (!(obj.xmax > obj.xmin && obj.ymax > obj.ymin)) {
      throw ConfigError(where + " <bndbox>: expected xmax > xmin and ymax > ymin");
    }
    v.objects.push_back(obj);
  }
  return v;
}

}  // namespace

DetectionAnnotations read_voc_annotations(const fs::path& annotations_dir, const fs::path& images_dir,
                                          const std::vector<std::string>& class_names) {
  std::error_code ec;
  if (!fs::is_directory(annotations_dir, ec)) {
    throw IoError(annotations_dir.string() + ": no such folder (Pascal VOC annotations, one .xml per image)");
  }
  std::vector<fs::path> xml_files;
  for (const auto& e : fs::directory_iterator(annotations_dir)) {
    if (e.is_regular_file() && e.path().extension() == ".xml") xml_files.push_back(e.path());
  }
  std::sort(xml_files.begin(), xml_files.end());
  if (xml_files.empty()) throw ConfigError(annotations_dir.string() + ": no .xml files (Pascal VOC annotations)");

  std::vector<VocFile> files;
  for (const auto& p : xml_files) files.push_back(parse_voc(p));

  DetectionAnnotations out;
  out.class_names = class_names;
  if (out.class_names.empty()) {
    std::set<std::string> names;
    for (const auto& f : files) {
      for (const auto& o : f.objects) names.insert(o.name);
    }
    out.class_names.assign(names.begin(), names.end());
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    const VocFile& f = files[i];
    AnnotatedImage img{images_dir / f.filename, {}};
    for (const auto& o : f.objects) {
      const auto it = std::find(out.class_names.begin(), out.class_names.end(), o.name);
      if (it == out.class_names.end()) {
        throw ConfigError(xml_files[i].string() + ": object class '" + o.name + "' is not in class_names");
      }
      Detection d;
      d.x1 = static_cast<float>(o.xmin / f.width);
      d.y1 = static_cast<float>(o.ymin / f.height);
      d.x2 = static_cast<float>(o.xmax / f.width);
      d.y2 = static_cast<float>(o.ymax / f.height);
      d.class_id = static_cast<int>(it - out.class_names.begin());
      d.label = o.name;
      d.score = 1;
      img.boxes.push_back(d);
    }
    out.images.push_back(std::move(img));
  }
  return out;
}

}  // namespace kenning
