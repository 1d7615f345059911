-- mas-health: FalconNodeSensor (Success)
local a, b, c, d, e, f, g, h, i, j, m, n
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, o in ipairs(b) do
  if type(o) == "table" then
   local p = o.type
   if not c and p == "Success" and o.status == "True" then c, g = o, o.message end
   if not d and p == "Failed" and o.reason == "RequirementsNotMet" then d, h = o, o.message end
   if not e and p == "Failed" then e, i = o, o.message end
   if not f and p == "Pending" then f, j = o, o.message end
  end
 end
end
local function k(l) return type(l) == "string" and l ~= "" and l end
if c then m, n = "Healthy", k(g) or "FalconNodeSensor installation completed"
elseif d then m, n = "Degraded", k(h) or "the install namespace does not meet the requirements"
elseif e then m, n = "Progressing", k(i) and "retrying: " .. i or "a step failed, retrying"
else m, n = "Progressing", k(j) or "waiting for the Falcon operator" end
return {status = m, message = n}
