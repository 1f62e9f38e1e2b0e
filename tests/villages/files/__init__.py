"""Real registry files for the import tests, written to ``tmp_path`` by these builders
(an XLSX with Chinese headers and labels, CSVs in UTF-8, UTF-8 with BOM and GBK)."""

import csv
import datetime as dt
import io

import openpyxl

# One complete registry in the Chinese headers and Chinese choice labels an admin types.
SAMPLE = {
    "乡镇": [
        ["编码", "名称", "类型", "贫困乡镇", "摘帽日期"],
        ["T01", "旺隆镇", "镇", "是", "2016-12-20"],
        ["T02", "宝源乡", "乡", "否", None],
    ],
    "村": [
        ["编码", "乡镇编码", "名称", "类型", "贫困村", "出列日期"],
        ["V01", "T01", "红花村", "村", "是", dt.date(2016, 11, 30)],
        ["V02", "T01", "新春社区", "社区", "否", None],
        ["V03", "T02", "白杨村", "村", "是", None],
    ],
    "贫困户": [
        ["户编号", "村编码", "户主姓名", "家庭人口", "帮扶类型", "识别日期", "脱贫日期", "人均纯收入"],
        ["H001", "V01", "张三", 4, "产业扶持", dt.date(2014, 5, 1), dt.date(2016, 10, 1), 3500.5],
        ["H002", "V01", "李四", 2, "保障兜底", "2014-05-01", None, None],
        ["H003", "V03", "王五", 5, "移民安置", "2015-03-10", None, 2800],
    ],
    "干部": [
        ["编号", "姓名", "职务类型", "工作单位", "乡镇编码", "村编码", "驻村身份", "联系电话"],
        ["C01", "陈书记", "乡镇党委书记", "旺隆镇人民政府", "T01", None, None, 13800000001],
        ["C02", "刘支书", "村党组织书记", None, "T01", "V01", None, "13800000002"],
        ["C03", "赵驻村", "驻村干部", "市农牧局", "T01", "V01", "涉农干部", None],
    ],
    "任务": [
        [
            "任务编号",
            "任务名称",
            "脱贫要素",
            "乡镇编码",
            "村编码",
            "户编号",
            "责任人编号",
            "完成时限",
            "目标值",
            "计量单位",
        ],
        ["K01", "红花村产业路硬化", "项目", "T01", "V01", None, "C01", "2016-09-30", 3.5, "公里"],
        ["K02", "张三家养殖项目", "产业", "T01", "V01", "H001", "C03", dt.date(2016, 8, 31), 1, "户"],
    ],
}

# The same sheets under their English file names (for CSV loads).
FILE_NAMES = {
    "乡镇": "townships",
    "村": "villages",
    "贫困户": "households",
    "干部": "cadres",
    "任务": "tasks",
}


def write_xlsx(path, sheets):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def write_csv(path, rows, encoding="utf-8"):
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def write_sample_csvs(directory, encoding="utf-8", sheets=SAMPLE):
    """One CSV per kind, named townships.csv etc.; returns the paths in the given order."""
    return [
        write_csv(directory / f"{FILE_NAMES[title]}.csv", rows, encoding) for title, rows in sheets.items()
    ]


def households_csv(count, village="V01", start=0):
    """A households sheet with ``count`` valid rows."""
    rows = [["code", "village", "head", "size", "assistance", "registered_on"]]
    rows += [
        [f"H{start + i:06d}", village, f"户主{i}", 1 + i % 6, "industry", "2015-01-01"] for i in range(count)
    ]
    return csv_bytes(rows)
