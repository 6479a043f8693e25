from zhenxing.funds.importcommand import ImportCommand


class Command(ImportCommand):
    help = "导入项目库 .xlsx/.xls/.csv：有错误则不写入（退出码1），无法读取（退出码2）"
    kind = "projects"
