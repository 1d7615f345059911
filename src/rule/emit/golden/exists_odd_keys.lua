-- mas-health: keys that are not Lua names
local a, b, c, d, e, f, g
if type(obj) == "table" then a, d = obj.metadata, obj.spec end
if type(a) == "table" then b = a.labels end
if type(b) == "table" then c = b["app.k8s.io/end"] end
if type(d) == "table" then e = d["end"] end
if b ~= nil and c ~= nil and e ~= nil then f, g = "Degraded", "hit"
else f, g = "Healthy", "ok" end
return {status = f, message = g}
