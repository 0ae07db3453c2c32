# MultiSensor-Home, Home-2: same layout as Home-1, its split files are named differently.
_base_ = './multisensor_home1.py'
data_root = 'data/MultiSensor-Home/Home2'
train_dataloader = dict(dataset=dict(data_root=data_root, ann_file='train_data.json'))
val_dataloader = dict(dataset=dict(data_root=data_root, ann_file='test_data.json'))
test_dataloader = val_dataloader
