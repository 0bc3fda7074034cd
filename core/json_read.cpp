// read_json_text: nlohmann's parser, watched by a callback that knows the pointer of each value.
#include <set>

#include "core/json_access.hpp"

namespace spikesim {

namespace {

// Where the parser is: one frame per open object or array, with the key or index being read.
struct Frame {
  bool array = false;
  size_t index = 0;
  std::string key;
  std::set<std::string> keys;
};

std::string pointer(const std::vector<Frame>& frames) {
  std::string p;
  for (const Frame& f : frames) p += "/" + (f.array ? std::to_string(f.index) : escape_pointer_token(f.key));
  return p;
}

std::string line_col(const std::string& text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

json read_json_text(const std::string& text) {
  std::vector<Frame> frames;
  auto element_done = [&frames] {
    if (!frames.empty() && frames.back().array) ++frames.back().index;
  };
  json::parser_callback_t watch = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (frames.size() >= static_cast<size_t>(kMaxJsonDepth))
          throw SpecError(pointer(frames), "found nesting deeper than " + std::to_string(kMaxJsonDepth) +
                                               " levels, expected a network file (a few levels deep)");
        frames.push_back(Frame{event == json::parse_event_t::array_start, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        Frame& f = frames.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second)
          throw SpecError(pointer(frames), "found the key \"" + f.key + "\" twice in one object, expected each key once");
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames.pop_back();
        element_done();
        break;
      case json::parse_event_t::value:
        element_done();
        break;
    }
    return true;
  };
  try {
    return json::parse(text, watch);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    const auto pos = what.find("syntax error");
    throw SpecError("", "JSON syntax error at " + line_col(text, e.byte) + ": " +
                            (pos == std::string::npos ? what : what.substr(pos)));
  } catch (const json::exception& e) {  // a number out of range (1e999), ...
    throw SpecError(pointer(frames), std::string("found a value JSON cannot hold here: ") + e.what() +
                                         ", expected a number within double's range");
  }
}

}  // namespace spikesim
