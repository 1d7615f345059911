-- The way MAS Ready/Failure checks are written by hand today: the first matching condition
-- decides (so Ready=True listed before Failure=True wins), messages are copied unchecked.
-- Kept only as a performance baseline for the generated scripts.
hs = {}
if obj.status ~= nil then
  if obj.status.conditions ~= nil then
    for i, condition in ipairs(obj.status.conditions) do
      if condition.type == "Failure" and condition.status == "True" then
        hs.status = "Degraded"
        hs.message = condition.message
        return hs
      end
      if condition.type == "Ready" and condition.status == "True" then
        hs.status = "Healthy"
        hs.message = condition.message
        return hs
      end
    end
  end
end
hs.status = "Progressing"
hs.message = "Waiting for Ready"
return hs
