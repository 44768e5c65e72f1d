"""The dashboard's own words (menus, buttons, messages), in English and Chinese; the page asks for the whole label
catalogue once (``GET /api/labels``) and switches language without reloading."""

from __future__ import annotations

from .. import labels

labels.register({
    "web.title": ("dualcirc dashboard", "dualcirc 双循环与产业链仪表板"),
    "web.subtitle": ("Dual circulation, value chains and chain security from input-output tables",
                     "基于投入产出表的双循环、价值链与产业链安全分析"),
    "web.dataset": ("Dataset", "数据集"),
    "web.year": ("Year", "年份"),
    "web.economy": ("Economy", "经济体"),
    "web.language": ("Language", "语言"),
    "web.run": ("Compute", "计算"),
    "web.computing": ("Computing", "计算中"),
    "web.queued": ("Waiting for a free worker", "等待空闲计算线程"),
    "web.step": ("Step", "步骤"),
    "web.of": ("of", "/"),
    "web.seconds": ("s", "秒"),
    "web.done": ("Done", "完成"),
    "web.error": ("Error", "错误"),
    "web.download": ("Download", "下载"),
    "web.rows_shown": ("rows shown of", "行，共"),
    "web.rows": ("rows", "行"),
    "web.provenance": ("How this was computed", "计算方法"),
    "web.citation": ("Cite", "引用"),
    "web.col.name": ("name", "名称"),
    "web.upload": ("Upload a table", "上传投入产出表"),
    "web.upload.help": ("CSV, xlsx or Parquet in a layout dualcirc reads (dualcirc info --formats); at most",
                        "CSV、xlsx 或 Parquet 格式，须为 dualcirc 可读取的版式（dualcirc info --formats）；最大"),
    "web.upload.send": ("Upload", "上传"),
    "web.upload.ok": ("Table read and added as dataset", "已读取并添加为数据集"),
    "web.upload.failed": ("Upload refused", "上传被拒绝"),
    "web.checks": ("Table checks", "投入产出表检查"),
    "web.origin.builtin": ("built-in", "内置"),
    "web.origin.data": ("data folder", "数据目录"),
    "web.origin.upload": ("upload", "上传"),
    "web.api": ("JSON API", "JSON 接口"),
    "web.no_pages": ("No page applies.", "没有可用的页面。"),
    "term": ("Term", "分项"),
})
