-- GET one file in byte ranges, as an audio player fetches a recording: each request asks
-- for a chunk at a random offset. Arguments after "--": the path, the file's size in
-- bytes, the chunk's size in bytes.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local path, size, chunk

function init(args)
  seed_random()
  path, size, chunk = args[1], tonumber(args[2]), tonumber(args[3])
end

function request()
  local first = math.random(0, size - chunk)
  local asked = string.format("bytes=%d-%d", first, first + chunk - 1)
  return wrk.format("GET", path, { Range = asked })
end
