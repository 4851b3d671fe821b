-- GET a random path from a file of "path<TAB>etag" lines (one per book).
-- Arguments after "--": the file, then "etag" to send If-None-Match (expecting 304).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local paths, tags, send_etag = {}, {}, false

function init(args)
  seed_random()
  send_etag = args[2] == "etag"
  for line in io.lines(args[1]) do
    local path, tag = line:match("^([^\t]+)\t(.+)$")
    paths[#paths + 1] = path
    tags[#tags + 1] = tag
  end
end

function request()
  local i = math.random(#paths)
  if send_etag then
    return wrk.format("GET", paths[i], { ["If-None-Match"] = tags[i] })
  end
  return wrk.format("GET", paths[i])
end
