#include "pprof/export.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <unordered_map>

#include "pprof/graph.h"

namespace godx::pprof {

namespace {

using Json = nlohmann::ordered_json;

std::string FoldedName(std::string_view name) {
  std::string s(name);
  for (char& c : s) {
    if (c == ';') c = ':';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

// Per sample: whether it belongs to the base of a diff.
std::vector<uint8_t> BaseMask(const Profile& p, bool* any) {
  std::vector<uint8_t> mask(p.num_samples(), 0);
  *any = false;
  for (size_t i = 0; i < p.num_samples(); ++i) {
    for (const Label& l : p.Labels(i)) {
      if (p.Str(l.key) == "pprof::base" && p.Str(l.str) == "true") {
        mask[i] = 1;
        *any = true;
      }
    }
  }
  return mask;
}

// A call tree (root first) with per-node total and base totals, for the flame graph.
struct Tree {
  struct Node {
    uint32_t name;
    int64_t value = 0, base = 0;
    std::unordered_map<uint32_t, uint32_t> children;
  };
  std::vector<Node> nodes;
};

}  // namespace

std::string ExportFolded(const Profile& p, size_t index) {
  NodeTable nodes(p);
  bool diff;
  auto base = BaseMask(p, &diff);
  std::map<std::string, std::pair<int64_t, int64_t>> stacks;  // sorted, as flamegraph.pl wants
  std::vector<uint32_t> frames;
  std::string key;
  const size_t nv = p.num_values();
  if (index >= nv) return "";
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    StackNames(p, nodes, s, &frames);
    key.clear();
    for (uint32_t f : frames) {
      if (key.size() > (1 << 20)) break;  // a 1 MiB stack line is already useless; stay bounded
      if (!key.empty()) key += ';';
      key += FoldedName(nodes.Name(f));
    }
    if (key.empty()) key = "<no stack>";
    auto& v = stacks[key];
    if (diff && base[s]) v.first -= w;  // base samples were merged in negated
    else v.second += w;
  }
  std::string out;
  for (const auto& [k, v] : stacks) {
    if (diff) out += fmt::format("{} {} {}\n", k, v.first, v.second);
    else out += fmt::format("{} {}\n", k, v.second);
  }
  return out;
}

Result<std::string> ExportSpeedscope(const Profile& p, size_t index, std::string_view name) {
  NodeTable nodes(p);
  const size_t nv = p.num_values();
  if (index >= nv) return Status::Error("speedscope: no such sample type");
  std::string unit(p.Str(p.sample_types[index].unit));
  std::string ss_unit = "none";
  if (unit == "nanoseconds" || unit == "microseconds" || unit == "milliseconds" ||
      unit == "seconds" || unit == "bytes") {
    ss_unit = unit;
  }
  Json frames = Json::array();
  std::vector<int> frame_of(nodes.size(), -1);
  Json samples = Json::array(), weights = Json::array();
  std::vector<uint32_t> stack;
  int64_t total = 0;
  for (size_t s = 0; s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    if (w < 0) {
      return Status::Error(
          "speedscope: negative sample values (a diff?) cannot be expressed; use 'flame' instead");
    }
    StackNames(p, nodes, s, &stack);
    Json st = Json::array();
    for (uint32_t n : stack) {
      if (frame_of[n] < 0) {
        frame_of[n] = static_cast<int>(frames.size());
        frames.push_back(Json{{"name", std::string(nodes.Name(n))}});
      }
      st.push_back(frame_of[n]);
    }
    samples.push_back(std::move(st));
    weights.push_back(w);
    total += w;
  }
  Json profile = {{"type", "sampled"},
                  {"name", std::string(p.Str(p.sample_types[index].type))},
                  {"unit", ss_unit},
                  {"startValue", 0},
                  {"endValue", total},
                  {"samples", std::move(samples)},
                  {"weights", std::move(weights)}};
  Json doc = {{"$schema", "https://www.speedscope.app/file-format-schema.json"},
              {"version", "0.0.1"},
              {"name", std::string(name)},
              {"activeProfileIndex", 0},
              {"exporter", "godx"},
              {"shared", {{"frames", std::move(frames)}}},
              {"profiles", Json::array({std::move(profile)})}};
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

namespace {

constexpr size_t kMaxFlameDepth = 2048;

constexpr std::string_view kFlameTemplate = R"HTML(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>@TITLE@</title>
<style>
body{font:12px sans-serif;margin:8px}#bar{margin-bottom:6px}#bar *{margin-right:6px}
#info{font-family:monospace;white-space:pre;height:1.4em}svg{width:100%}
rect{stroke:#fff;stroke-width:.5}text{pointer-events:none;font:11px monospace}
</style></head><body>
<div id="bar"><b>@TITLE@</b><input id="q" placeholder="search (regexp)" size="30">
<button id="reset">reset zoom</button><button id="flip">icicle</button><span id="match"></span></div>
<div id="info"></div><svg id="g"></svg>
<script>
// Tree node: [name index, value, base value, children...]; for a diff, value is new minus base.
const D=@DATA@;
const names=D.names,unit=D.unit,diff=D.diff,root=D.tree,H=16;
let zoom=root,icicle=false,re=null;
const svg=document.getElementById('g'),info=document.getElementById('info');
function fmt(v){const a=Math.abs(v);
 if(unit==='nanoseconds'){if(a>=1e9)return (v/1e9).toFixed(2)+'s';if(a>=1e6)return (v/1e6).toFixed(2)+'ms';if(a>=1e3)return (v/1e3).toFixed(2)+'us';return v+'ns';}
 if(unit==='bytes'){if(a>=1<<30)return (v/(1<<30)).toFixed(2)+'GiB';if(a>=1<<20)return (v/(1<<20)).toFixed(2)+'MiB';if(a>=1024)return (v/1024).toFixed(2)+'KiB';return v+'B';}
 return String(v);}
function tot(n){return diff?Math.max(Math.abs(n[1]-n[2]),Math.abs(n[2])):Math.abs(n[1]);}
function color(n){if(re&&re.test(names[n[0]]))return '#e0f';
 if(diff){const b=-n[2],v=n[1]-n[2],d=v-b,s=Math.min(1,Math.abs(d)/Math.max(1,Math.max(b,v)));
  const c=Math.round(255*(1-s));return d>0?`rgb(255,${c},${c})`:d<0?`rgb(${c},${c},255)`:'#ddd';}
 const h=names[n[0]];let x=0;for(let i=0;i<h.length;i++)x=(x*31+h.charCodeAt(i))>>>0;
 return `hsl(${10+x%40},${70+x%25}%,${55+x%15}%)`;}
function depth(n){let d=0;for(let i=3;i<n.length;i++)d=Math.max(d,depth(n[i]));return d+1;}
function path(n,t,acc){if(n===t)return acc.concat([n]);for(let i=3;i<n.length;i++){const r=path(n[i],t,acc.concat([n]));if(r)return r;}return null;}
function draw(){
 const W=svg.clientWidth||1200,anc=path(root,zoom,[])||[root],dz=depth(zoom),rows=anc.length-1+dz;
 svg.setAttribute('height',rows*H+4);svg.innerHTML='';
 const y=r=>icicle?r*H:(rows-1-r)*H;let matched=0;
 function box(n,x,w,r){const g=document.createElementNS('http://www.w3.org/2000/svg','g');
  const R=document.createElementNS(g.namespaceURI,'rect');R.setAttribute('x',x);R.setAttribute('y',y(r));
  R.setAttribute('width',Math.max(w-.5,.5));R.setAttribute('height',H-1);R.setAttribute('fill',color(n));
  const T=document.createElementNS(g.namespaceURI,'title');
  T.textContent=names[n[0]]+'\n'+(diff?`base ${fmt(-n[2])}, new ${fmt(n[1]-n[2])}, delta ${fmt(n[1])}`:fmt(n[1]))
   +` (${(100*Math.abs(n[1])/Math.max(1,Math.abs(root[1]))).toFixed(2)}%)`;
  g.appendChild(T);g.appendChild(R);
  if(w>30){const t=document.createElementNS(g.namespaceURI,'text');t.setAttribute('x',x+3);t.setAttribute('y',y(r)+11);
   const s=names[n[0]],m=Math.floor(w/7);t.textContent=s.length>m?s.slice(0,Math.max(0,m-2))+'..':s;g.appendChild(t);}
  g.onclick=()=>{zoom=n;draw();};g.onmouseover=()=>{info.textContent=T.textContent.replace('\n','  ');};
  svg.appendChild(g);}
 anc.slice(0,-1).forEach((a,i)=>box(a,0,W,i));
 (function lay(n,x,w,r){box(n,x,w,r);if(re&&re.test(names[n[0]]))matched+=0;let cx=x;const t=tot(n)||1;
  for(let i=3;i<n.length;i++){const c=n[i],cw=w*tot(c)/t;if(cw>=0.5)lay(c,cx,cw,r+1);cx+=cw;}})(zoom,0,W,anc.length-1);
 if(re){(function m(n,under){const hit=re.test(names[n[0]]);if(hit&&!under)matched+=Math.abs(n[1]);for(let i=3;i<n.length;i++)m(n[i],under||hit);})(root,false);
  document.getElementById('match').textContent=`matched ${fmt(matched)} (${(100*matched/Math.max(1,Math.abs(root[1]))).toFixed(2)}%)`;}
 else document.getElementById('match').textContent='';}
document.getElementById('q').oninput=e=>{try{re=e.target.value?new RegExp(e.target.value):null;}catch(x){re=null;}draw();};
document.getElementById('reset').onclick=()=>{zoom=root;draw();};
document.getElementById('flip').onclick=e=>{icicle=!icicle;e.target.textContent=icicle?'flame':'icicle';draw();};
window.onresize=draw;draw();
</script></body></html>
)HTML";

}  // namespace

std::string FlameData(const Profile& p, size_t index) {
  NodeTable nodes(p);
  bool diff;
  auto base = BaseMask(p, &diff);
  Tree t;
  t.nodes.push_back({UINT32_MAX, 0, 0, {}});
  std::vector<uint32_t> frames;
  const size_t nv = p.num_values();
  for (size_t s = 0; index < nv && s < p.num_samples(); ++s) {
    int64_t w = p.values[s * nv + index];
    if (w == 0) continue;
    StackNames(p, nodes, s, &frames);
    // The page and the serialiser recurse per level: keep absurd depths bounded.
    if (frames.size() > kMaxFlameDepth) frames.resize(kMaxFlameDepth);
    uint32_t cur = 0;
    auto add = [&](uint32_t n) {
      t.nodes[n].value += w;
      if (diff && base[s]) t.nodes[n].base += w;
    };
    add(0);
    for (uint32_t f : frames) {
      auto it = t.nodes[cur].children.find(f);
      uint32_t next;
      if (it == t.nodes[cur].children.end()) {
        next = static_cast<uint32_t>(t.nodes.size());
        t.nodes[cur].children.emplace(f, next);
        t.nodes.push_back({f, 0, 0, {}});
      } else {
        next = it->second;
      }
      cur = next;
      add(cur);
    }
  }
  // Names used by the tree, root named "root".
  Json names = Json::array();
  std::vector<int> name_idx(nodes.size(), -1);
  names.push_back("root");
  auto name_of = [&](uint32_t n) {
    if (n == UINT32_MAX) return 0;
    if (name_idx[n] < 0) {
      name_idx[n] = static_cast<int>(names.size());
      names.push_back(std::string(nodes.Name(n)));
    }
    return name_idx[n];
  };
  // Serialise by hand: nlohmann would build a deep DOM for large trees.
  std::string tree;
  std::function<void(uint32_t)> emit = [&](uint32_t n) {
    const auto& node = t.nodes[n];
    // value = total (new - base, since base samples are negative); base = base part (<= 0).
    tree += fmt::format("[{},{},{}", name_of(node.name), node.value, node.base);
    std::vector<std::pair<int64_t, uint32_t>> kids;
    for (auto [f, c] : node.children) kids.push_back({0, c});
    std::sort(kids.begin(), kids.end(), [&](auto& a, auto& b) {
      return nodes.Name(t.nodes[a.second].name) < nodes.Name(t.nodes[b.second].name);
    });
    for (auto& [_, c] : kids) {
      tree += ',';
      emit(c);
    }
    tree += ']';
  };
  emit(0);
  std::string unit = index < nv ? std::string(p.Str(p.sample_types[index].unit)) : "";
  std::string data = fmt::format("{{\"names\":{},\"unit\":{},\"diff\":{},\"tree\":{}}}",
                                 names.dump(-1, ' ', false, Json::error_handler_t::replace),
                                 Json(unit).dump(), diff ? "true" : "false", tree);
  return data;
}

std::string ExportFlameHtml(const Profile& p, size_t index, std::string_view title) {
  std::string data = FlameData(p, index);
  // Keep "</script>" out of the embedded data.
  std::string safe;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '<' ) safe += "\\u003c";
    else safe += data[i];
  }
  std::string html(kFlameTemplate);
  std::string esc_title;
  for (char c : title) {
    if (c == '<') esc_title += "&lt;";
    else if (c == '&') esc_title += "&amp;";
    else esc_title += c;
  }
  for (size_t pos; (pos = html.find("@TITLE@")) != std::string::npos;) html.replace(pos, 7, esc_title);
  html.replace(html.find("@DATA@"), 6, safe);
  return html;
}

}  // namespace godx::pprof
